// SPDX-License-Identifier: MIT
// Fuzz target: a health endpoint's body through the probe's JSON reading (status, circuit state,
// numeric fields flattened into metrics).
#include "FuzzCheck.h"
#include "health/HttpProbe.h"

#include <cmath>
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray body = QByteArray::fromRawData(reinterpret_cast<const char*>(data), qsizetype(size));
    ops::services::ProbeResult result;
    ops::services::HttpProbe::parseHealthJson(body, result);
    FUZZ_CHECK(result.json || (result.metrics.isEmpty() && result.platformStatus.isEmpty()),
               "a body that is not JSON gives nothing");
    FUZZ_CHECK(result.platformStatus.size() <= 40 && result.circuitState.size() <= 40, "status fields are cut");
    FUZZ_CHECK(result.metrics.size() <= ops::services::HttpProbe::kMaxMetrics, "metrics per body are bounded");
    for (auto it = result.metrics.cbegin(); it != result.metrics.cend(); ++it) {
        FUZZ_CHECK(!it.key().isEmpty() && it.key().size() <= ops::services::HttpProbe::kMaxMetricName,
                   "metrics have a name of bounded length");
        FUZZ_CHECK(std::isfinite(it.value()), "metrics are finite numbers");
    }
    return 0;
}
