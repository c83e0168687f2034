#pragma once

// A private freedesktop Secret Service for one test: a D-Bus session bus of its own
// (without service activation, so nothing starts behind the test's back) and, when
// asked, gnome-keyring-daemon unlocked with a known password, all under a temporary
// HOME and XDG directories, so no test ever touches the developer's keychain.

#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>

#include <memory>

namespace berth::test {

class SecretServiceSession {
public:
    // Why it cannot run here (a program missing, with its Debian package), or empty.
    static QString unavailableReason();

    SecretServiceSession();
    ~SecretServiceSession(); // stops the keyring daemon, then the bus
    SecretServiceSession(const SecretServiceSession&) = delete;
    SecretServiceSession& operator=(const SecretServiceSession&) = delete;

    // The bus alone: a session in which no Secret Service answers.
    bool startBus();
    // The bus and gnome-keyring-daemon; returns once the daemon answers on the bus.
    bool startKeyring();
    // After startKeyring: the daemon again, without the keyring's password, so the login
    // keyring stays locked (no prompter runs on this bus to ask a person for it).
    bool restartKeyringLocked();
    QString errorString() const { return m_error; }

    // What a client of this session needs: the bus address, HOME and the XDG
    // directories; no DISPLAY, so nothing falls back to a desktop's own bus.
    QProcessEnvironment environment() const;
    // A folder inside the temporary home, for the test's own files.
    QString path(const QString& name) const;

private:
    bool fail(const QString& error);
    bool keyringAnswers();
    bool startKeyringDaemon(bool unlocked);

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_bus;
    std::unique_ptr<QProcess> m_keyring;
    QString m_address;
    QString m_error;
};

} // namespace berth::test
