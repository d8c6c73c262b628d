// SPDX-License-Identifier: MIT
#pragma once

// Shared by the wizard and settings dialog tests: waiting on the event loop, and reading every
// file a QSettings store wrote (to prove a secret never reached one).

#include <QApplication>
#include <QDeadlineTimer>
#include <QDirIterator>
#include <QFile>
#include <QSettings>

#include <functional>

namespace ops::testing {

inline bool waitFor(const std::function<bool()>& done, int ms = 15000)
{
    QDeadlineTimer deadline(ms);
    while (!done() && !deadline.hasExpired())
        QApplication::processEvents(QEventLoop::AllEvents, 20);
    return done();
}

// Every file under the directory that holds `settings`' file, concatenated.
inline QByteArray settingsFilesContent(QSettings& settings)
{
    settings.sync();
    QByteArray all;
    const QString directory = QFileInfo(settings.fileName()).absolutePath();
    QDirIterator files(directory, QDir::Files, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        QFile file(files.next());
        if (file.open(QIODevice::ReadOnly))
            all += file.readAll();
    }
    return all;
}

} // namespace ops::testing
