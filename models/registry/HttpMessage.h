#pragma once

// One HTTP exchange with a registry, as plain values.

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

namespace berth {

struct HttpRequest {
    QByteArray method = QByteArrayLiteral("GET");
    QString path; // "/v2/..." relative to the registry, used when url is empty
    QUrl url;     // absolute URL on the registry (pagination links)
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QString scope; // token scope the call needs, e.g. "repository:acme/app:pull"
    qint64 maxBodyBytes = 4 * 1024 * 1024;
    bool followRedirects = false; // blobs: redirects are followed by hand, see RegistryTransport
};

struct HttpResponse {
    int status = 0;
    QUrl url; // the URL that finally answered (after redirects)
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    // Header names compare case-insensitively; several lines with one name stay separate.
    QList<QByteArray> headerValues(const QByteArray& name) const {
        QList<QByteArray> values;
        for (const auto& [key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                values.append(value);
        }
        return values;
    }
    QByteArray header(const QByteArray& name) const {
        const QList<QByteArray> values = headerValues(name);
        return values.isEmpty() ? QByteArray() : values.first();
    }
    bool isSuccess() const { return status >= 200 && status < 300; }
};

} // namespace berth
