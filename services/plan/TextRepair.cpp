// SPDX-License-Identifier: MIT
#include "plan/TextRepair.h"

#include <QStringDecoder>

#include <optional>

namespace ops::services::plan {

namespace {

// Windows-1252's 0x80..0x9F; 0 where the code page leaves the byte undefined (decoders then
// usually keep it as the C1 control of the same value, handled below).
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};

std::optional<char> toCp1252(QChar ch)
{
    const char16_t u = ch.unicode();
    if (u >= 0xA0 && u <= 0xFF)
        return char(u);
    if (u >= 0x80 && u <= 0x9F)  // an undefined byte kept as a C1 control
        return char(u);
    for (int i = 0; i < 32; ++i)
        if (kCp1252High[i] != 0 && kCp1252High[i] == u)
            return char(0x80 + i);
    return std::nullopt;
}

} // namespace

QString repairMojibake(const QString& text, int* repairs)
{
    int count = 0;
    QString out;
    out.reserve(text.size());
    qsizetype i = 0;
    while (i < text.size()) {
        if (text.at(i).unicode() < 0x80 || !toCp1252(text.at(i))) {
            out.append(text.at(i));
            ++i;
            continue;
        }
        qsizetype end = i;
        QByteArray bytes;
        while (end < text.size() && text.at(end).unicode() >= 0x80) {
            const auto byte = toCp1252(text.at(end));
            if (!byte)
                break;
            bytes.append(*byte);
            ++end;
        }
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString decoded = decoder.decode(bytes);
        if (!decoder.hasError() && bytes.size() >= 2) {
            out.append(decoded);
            ++count;
        } else {
            out.append(text.mid(i, end - i));
        }
        i = end;
    }
    if (repairs)
        *repairs = count;
    return out;
}

} // namespace ops::services::plan
