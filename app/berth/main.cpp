#include <QApplication>
#include <QTextStream>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QTextStream(stderr) << "berth: the dashboard window is not built yet; use berthctl\n";
    return 1;
}
