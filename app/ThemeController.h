// SPDX-License-Identifier: MIT
#pragma once

// ThemeController: light and dark themes. "System" (the default) leaves style and palette to the
// platform, which Qt keeps following on its own; "Dark" is the Fusion style with a dark palette;
// "Light" the platform's palette when it is light, else Fusion's light one. Qt 6.4 has no
// QStyleHints::colorScheme (6.5+), so "dark" means: the window colour is dark. The choice is
// stored in QSettings (appearance/theme). Charts and widgets follow through palette changes
// (see widgets/common/ChartPalette). One per application; GUI thread only.

#include <QObject>
#include <QPalette>
#include <QString>

namespace ops::app {

class ThemeController final : public QObject {
    Q_OBJECT
public:
    enum class Mode { System, Light, Dark };

    // Applies the stored choice (nothing to do for System).
    explicit ThemeController(QObject* parent = nullptr);

    Mode mode() const { return m_mode; }
    // Applies and stores `mode`.
    void setMode(Mode mode);
    // The palette in use now is dark (window colour lightness below the middle).
    static bool isDark();
    static QPalette darkPalette();
    static QString modeKey(Mode mode);  // "system", "light", "dark": the stored value

signals:
    // The effective palette changed: a choice here, or the platform's theme under System.
    void themeChanged(bool dark);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void apply();

    Mode m_mode = Mode::System;
    QString m_platformStyle;  // the style the platform chose, for System and Light
};

} // namespace ops::app
