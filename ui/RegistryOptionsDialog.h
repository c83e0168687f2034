#pragma once

// Edits how Berth talks to one registry: insecure transport, an extra CA file, requests
// in flight, and the engine that retags for it when the engine transport is chosen.
// Nothing is taken until every field is valid; a bad one is named in the dialog.

#include "core/Result.h"
#include "registry/RegistryOptions.h"

#include <QDialog>

class QCheckBox;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace berth::ui {

class ErrorBanner;

class RegistryOptionsDialog : public QDialog {
    Q_OBJECT
public:
    // `defaultEngineHost` is what an empty engine field falls back to, for the hint.
    RegistryOptionsDialog(QString domain, RegistryOptions options, QString defaultEngineHost,
                          QWidget* parent = nullptr);

    QString domain() const { return m_domain; }
    // The options as edited; fields the dialog does not show keep their values.
    RegistryOptions options() const;
    // What the dialog shows when Save was refused; empty when nothing is wrong.
    QString problem() const;

    // "" is fine (no extra CA); otherwise the file must exist and hold PEM certificates.
    static Status checkCaFile(const QString& path);
    // "" is fine (the default engine); otherwise unix:///path or tcp://host:port.
    static Status checkEngineHost(const QString& text);
    // Each line "env=host[,host]" (EngineHosts::parse); empty lines are ignored.
    static Status checkRunningEngines(const QStringList& lines);

    void accept() override;

private:
    void chooseCaFile();
    void refuse(const QString& message, QWidget* field);

    QString m_domain;
    RegistryOptions m_options;
    ErrorBanner* m_problem;
    QCheckBox* m_insecure;
    QLineEdit* m_caFile;
    QPushButton* m_browse;
    QSpinBox* m_concurrency;
    QLineEdit* m_engineHost;
    QPlainTextEdit* m_runningEngines;
};

} // namespace berth::ui
