// SPDX-License-Identifier: MIT
// Fuzz target: a connection string from settings, --dsn or DATABASE_URL through ConnectionOptions
// (libpq's own parser underneath). The invariant that matters: a known password placed in the
// string never shows up in an error message or the display location, whatever surrounds it.
#include "FuzzCheck.h"
#include "db/ConnectionOptions.h"

#include <cstddef>
#include <cstdint>

using ops::services::ConnectionOptions;

namespace {

const QString kSecret = QStringLiteral("Fz9Secret");

void readEverything(const QString& text, bool secretPlaced)
{
    auto options = ConnectionOptions::fromConnectionString(text);
    if (!options) {
        FUZZ_CHECK(!secretPlaced || !options.error().message.contains(kSecret),
                   "an invalid connection string's error never repeats the password");
        return;
    }
    const QString location = options->displayLocation();
    FUZZ_CHECK(!secretPlaced || !location.contains(kSecret), "the display location never holds the password");
    options->isLocal();
    options->host();
    options->libpqParameters();
    options->withDatabase(QStringLiteral("other")).withUser(QStringLiteral("u")).libpqParameters();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(data), qsizetype(size));
    readEverything(text, false);
    // The secret is only "placed" when the fuzzed text does not hold it elsewhere (host=Fz9Secret
    // may rightly be shown).
    if (text.contains(kSecret, Qt::CaseInsensitive))
        return 0;
    readEverything(text + QStringLiteral(" password=") + kSecret, true);           // key=value form
    readEverything(QStringLiteral("postgresql://ops:") + kSecret + QLatin1Char('@') + text, true);  // URI form
    return 0;
}
