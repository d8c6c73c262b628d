// SPDX-License-Identifier: MIT
#pragma once

// What the fuzz targets share: an invariant check that stops the run with a message (libFuzzer
// then saves the input), in the libFuzzer build and in the g++ corpus replay alike.

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, message)                                                   \
    do {                                                                                 \
        if (!(condition)) {                                                              \
            std::fprintf(stderr, "fuzz invariant broken: %s (%s)\n", message, #condition); \
            std::abort();                                                                \
        }                                                                                \
    } while (false)
