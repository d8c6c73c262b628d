// SPDX-License-Identifier: MIT
#include "Translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

namespace ops::app {

bool installTranslations(const QLocale& locale, const QString& directory)
{
    auto* console = new QTranslator(QCoreApplication::instance());
    // Tries ops-console_de_AT.qm, ops-console_de.qm, ... The template (ops-console_template.qm,
    // compiled in too) names no locale, so it never matches.
    const bool loaded = console->load(locale, QStringLiteral("ops-console"), QStringLiteral("_"), directory);
    if (loaded)
        QCoreApplication::installTranslator(console);
    else
        delete console;

    // Qt's own strings (buttons of standard dialogs) from the qt6-translations-l10n package.
    auto* qt = new QTranslator(QCoreApplication::instance());
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;
    return loaded;
}

} // namespace ops::app
