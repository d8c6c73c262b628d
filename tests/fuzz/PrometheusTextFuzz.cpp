// SPDX-License-Identifier: MIT
// Fuzz target: a scrape of a Prometheus /metrics endpoint through the text parser, then series
// selection the way a monitor does it (the first line of the input doubles as a selector).
#include "FuzzCheck.h"
#include "health/PrometheusText.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace ops::services;
    const QByteArray text = QByteArray::fromRawData(reinterpret_cast<const char*>(data), qsizetype(size));
    const PromParseResult all = parsePrometheusText(text);
    FUZZ_CHECK(all.malformedLines >= 0, "malformed lines are counted, never negative");
    FUZZ_CHECK(all.problems.size() <= all.malformedLines, "a problem is described only for a malformed line");
    for (const PromSample& sample : all.samples)
        FUZZ_CHECK(!sample.name.isEmpty(), "every sample has a metric name");

    const QString firstLine = QString::fromUtf8(text.left(text.indexOf('\n') < 0 ? 200 : text.indexOf('\n')));
    std::vector<SeriesSelector> selectors;
    if (auto selector = SeriesSelector::parse(firstLine))
        selectors.push_back(*selector);
    // Parsing only the names the selectors need must agree with filtering a full parse.
    const PromParseResult kept = parsePrometheusText(text, selectorNames(selectors));
    const SelectedSeries fromKept = selectSeries(kept.samples, selectors);
    const SelectedSeries fromAll = selectSeries(all.samples, selectors);
    FUZZ_CHECK(fromKept.values.keys() == fromAll.values.keys(), "skipping other metrics selects the same series");
    FUZZ_CHECK(fromKept.missing == fromAll.missing, "skipping other metrics misses the same series");
    return 0;
}
