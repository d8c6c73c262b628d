// SPDX-License-Identifier: MIT
// Fuzz target: a deploy provider's answer (first byte picks the HTTP status, the rest is the body)
// through jsonOrError and the list/status readers of HttpDeployProvider.
#include "FuzzCheck.h"
#include "deploy/HttpDeployProvider.h"

#include <array>
#include <cstddef>
#include <cstdint>

using namespace ops::services;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static constexpr std::array<int, 8> statuses{200, 201, 204, 302, 401, 404, 429, 503};
    HttpResponse response;
    response.status = size > 0 ? statuses[data[0] % statuses.size()] : 200;
    if (size > 1)
        response.body = QByteArray(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));
    auto document = jsonOrError(QStringLiteral("fuzz request"), response);
    if (!document) {
        FUZZ_CHECK(!document.error().message.isEmpty(), "an error says what went wrong");
        FUZZ_CHECK(document.error().message.size() < 2000, "an error message stays one readable line");
        return 0;
    }
    auto deployments = parseDeploymentList(document.value(), QStringLiteral("fuzz list"));
    if (deployments) {
        for (const ProviderDeployment& d : deployments.value())
            FUZZ_CHECK(!d.id.isEmpty(), "every deployment has an id");
    }
    parseProjectStatus(document.value());
    return 0;
}
