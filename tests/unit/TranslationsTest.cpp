// SPDX-License-Identifier: MIT
// Translations: the template lupdate made from app/ and widgets/, and a translation compiled by
// lrelease (tests/data/translations/ops-console_eo.ts, embedded under :/test-i18n) loaded the way
// main() loads the system locale's.
#include "Translations.h"

#include <QCoreApplication>
#include <QFile>
#include <QTranslator>
#include <QXmlStreamReader>

#include <gtest/gtest.h>

#include <set>
#include <utility>

using ops::app::installTranslations;

namespace {

const QString testTranslations = QStringLiteral(":/test-i18n");

// (context, source) of every message in a .ts file.
std::set<std::pair<QString, QString>> messagesOf(const QString& path)
{
    std::set<std::pair<QString, QString>> messages;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return messages;
    QXmlStreamReader xml(&file);
    QString context;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (xml.name() == QLatin1String("name"))
            context = xml.readElementText();
        else if (xml.name() == QLatin1String("source"))
            messages.emplace(context, xml.readElementText());
    }
    EXPECT_FALSE(xml.hasError()) << path.toStdString() << ": " << xml.errorString().toStdString();
    return messages;
}

class TranslationsTest : public ::testing::Test {
protected:
    void TearDown() override
    {
        // installTranslations parents its translators to the application: remove them again.
        for (QTranslator* translator : QCoreApplication::instance()->findChildren<QTranslator*>())
            delete translator;
    }
};

} // namespace

TEST_F(TranslationsTest, TheTemplateHoldsTheStringsOfAppAndWidgetsUntranslated)
{
    QFile file(QStringLiteral(OPS_TRANSLATION_TEMPLATE));
    ASSERT_TRUE(file.open(QIODevice::ReadOnly)) << OPS_TRANSLATION_TEMPLATE;
    const QByteArray text = file.readAll();
    EXPECT_FALSE(text.contains("language=")) << "a template names no language";
    EXPECT_FALSE(text.contains("<translation>")) << "a template translates nothing";

    const auto messages = messagesOf(QStringLiteral(OPS_TRANSLATION_TEMPLATE));
    EXPECT_GT(messages.size(), 100u);
    EXPECT_TRUE(messages.count({QStringLiteral("ops::app::MainWindow"), QStringLiteral("Ops Console")}));
    EXPECT_TRUE(messages.count({QStringLiteral("ops::widgets::SandboxPanel"), QStringLiteral("Acknowledge")}));
    // Every message the test translation fills in is one of the template's.
    for (const auto& message : messagesOf(QStringLiteral(OPS_TEST_DATA "/translations/ops-console_eo.ts")))
        EXPECT_TRUE(messages.count(message)) << message.first.toStdString() << " / " << message.second.toStdString();
}

TEST_F(TranslationsTest, TheLocalesTranslationIsInstalled)
{
    ASSERT_TRUE(QFile::exists(testTranslations + QStringLiteral("/ops-console_eo.qm"))) << "lrelease output embedded";
    EXPECT_TRUE(installTranslations(QLocale(QLocale::Esperanto), testTranslations));
    EXPECT_EQ(QCoreApplication::translate("ops::app::MainWindow", "Ops Console"), QStringLiteral("Operacia Konzolo"));
    EXPECT_EQ(QCoreApplication::translate("ops::widgets::SandboxPanel", "Acknowledge"), QStringLiteral("Agnoski"));
}

TEST_F(TranslationsTest, WithoutATranslationTheSourceStringsStay)
{
    EXPECT_FALSE(installTranslations(QLocale(QLocale::German, QLocale::Germany), testTranslations));
    EXPECT_EQ(QCoreApplication::translate("ops::app::MainWindow", "Ops Console"), QStringLiteral("Ops Console"));
}
