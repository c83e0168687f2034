// Tag names as a registry lists them, one per line, sorted into kinds. A tag's commit SHA,
// when it names one, is part of the tag.

#include "FuzzSupport.h"

#include "registry/TagClassifier.h"

#include <QStringList>

using namespace berth;
using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const TagClassifier classifier;
    const QStringList tags = QString::fromUtf8(fuzz::bytesOf(data, size)).split(u'\n');
    const QList<ClassifiedTag> classified = classifier.classifyAll(tags);
    BERTH_FUZZ_EXPECT(classified.size() <= tags.size(), QString());
    for (const ClassifiedTag& tag : classified) {
        BERTH_FUZZ_EXPECT(classifier.classify(tag.name) == tag.kind, tag.name);
        const QString sha = TagClassifier::commitShaOf(tag.name, tag.kind);
        BERTH_FUZZ_EXPECT(sha.isEmpty() || tag.name.contains(sha), tag.name);
        BERTH_FUZZ_EXPECT(tagKindFromName(tagKindName(tag.kind)) == tag.kind, tag.name);
        isMutableKind(tag.kind);
    }
    return 0;
}
