// SPDX-License-Identifier: MIT
#pragma once

// Translations: installs the console's translation for a locale when one is compiled in, so a
// translator only adds resources/translations/ops-console_<lang>.ts (see README, "Translations").
// Call on the GUI thread after the application object exists; the translators it installs are
// children of QCoreApplication and live as long as it does.

#include <QLocale>
#include <QString>

namespace ops::app {

// The folder qt_add_translations (app/CMakeLists.txt) puts the compiled .qm files in.
inline constexpr auto translationsDirectory = ":/i18n";

// Loads "<directory>/ops-console_<lang>.qm" for the locale's UI languages (de_AT, then de) and,
// when it exists, Qt's own qtbase_<lang>.qm for the standard dialogs. Returns whether a console
// translation was installed; without one the source (English) strings are shown.
bool installTranslations(const QLocale& locale, const QString& directory = QString::fromLatin1(translationsDirectory));

} // namespace ops::app
