#include "release/ReleaseTypes.h"

using namespace Qt::StringLiterals;

namespace berth {

QString transportName(RetagTransport transport) {
    return transport == RetagTransport::Engine ? u"engine"_s : u"registry"_s;
}

std::optional<RetagTransport> transportFromName(const QString& name) {
    if (name == u"registry"_s)
        return RetagTransport::Registry;
    if (name == u"engine"_s)
        return RetagTransport::Engine;
    return std::nullopt;
}

} // namespace berth
