// Placeholder translation unit until the first widget lands (issue 4).
namespace berth::ui {
int uiLibraryVersion() {
    return 1;
}
} // namespace berth::ui
