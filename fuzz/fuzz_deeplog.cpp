// SPDX-License-Identifier: GPL-3.0-or-later
// DeepLog key files (`hdfs_train`): one session per line of space-separated keys, plain or gzip.
#include <vector>

#include "engine/data/sequence_readers.h"
#include "fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string& path = fuzz::writeInput(data, size, "hdfs_train");
    std::vector<logbert::Session> sessions;
    fuzz::expectInputErrorsOnly([&] {
        logbert::readDeepLogFile(path, 0, logbert::Label::Normal, sessions, {});
        for (const auto& s : sessions) fuzz::check(!s.keys.empty(), "no empty sessions");
    });
    return 0;
}
