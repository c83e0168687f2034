// ManifestParser on manifests as docker-registry 2.8 served them, and on the inputs
// tests/fuzz/fuzz_manifestparser found wanting.

#include "TestMain.h"

#include "registry/ManifestParser.h"

using namespace Qt::StringLiterals;
using namespace berth;

namespace {

const QByteArray kConfigDigest =
    "sha256:b0a4a98e5ef80e2a501a56783ec186b5cbc38a1cee87e1caf3efe3548634106e";
const QByteArray kLayerDigest =
    "sha256:dd37e16343d9b915901f3d441aaaeb03673d46521fe03bea652988f156ea7881";

// An OCI image manifest with one layer entry per size, shaped as skopeo pushed it.
QByteArray ociManifest(const QList<QByteArray>& layerSizes) {
    QByteArray layers;
    for (const QByteArray& size : layerSizes) {
        if (!layers.isEmpty())
            layers += ',';
        layers += "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" +
                  kLayerDigest + "\",\"size\":" + size + "}";
    }
    return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
           "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" +
           kConfigDigest + "\",\"size\":532},\"layers\":[" + layers + "]}";
}

} // namespace

class TestManifestParser : public QObject {
    Q_OBJECT

private slots:
    void layerSizes_data() {
        QTest::addColumn<QByteArray>("manifest");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<qint64>("layersSize");
        QTest::addColumn<QString>("problem"); // what the refusal says

        QTest::newRow("as docker-registry 2.8 served it")
            << ociManifest({"1027767"}) << true << qint64(1027767) << QString();
        QTest::newRow("two layers")
            << ociManifest({"1027767", "32768"}) << true << qint64(1027767 + 32768) << QString();
        QTest::newRow("one layer just below the qint64 limit, with the config")
            << ociManifest({"9223372036854775275"}) << true << qint64(9223372036854775275LL)
            << QString();
        // The config's 532 bytes on top of it no longer fit.
        QTest::newRow("one layer at the qint64 limit")
            << ociManifest({"9223372036854775807"}) << false << qint64(0) << u"add up"_s;
        // Found by fuzz_manifestparser: the sum overflowed (undefined behaviour).
        QTest::newRow("sum past qint64")
            << ociManifest({"9223372036854775807", "9223372036854775807"}) << false << qint64(0)
            << u"add up"_s;
        QTest::newRow("negative sum past qint64")
            << ociManifest({"-9223372036854775807", "-9223372036854775807"}) << false << qint64(0)
            << u"negative size for layer 1"_s;
    }

    void layerSizes() {
        QFETCH(QByteArray, manifest);
        QFETCH(bool, ok);
        QFETCH(qint64, layersSize);
        QFETCH(QString, problem);
        const Result<ManifestInfo> parsed =
            ManifestParser::parse(manifest, u"application/vnd.oci.image.manifest.v1+json"_s);
        QCOMPARE(parsed.ok(), ok);
        if (!ok) {
            QVERIFY2(parsed.errorMessage().contains(problem), qPrintable(parsed.errorMessage()));
            return;
        }
        QCOMPARE(parsed->configDigest, QString::fromLatin1(kConfigDigest));
        QCOMPARE(parsed->layersSize, layersSize);
        QCOMPARE(parsed->layerDigests.size(), manifest.count(kLayerDigest));
    }
};

BERTH_TEST_MAIN(TestManifestParser)
#include "tst_manifestparser.moc"
