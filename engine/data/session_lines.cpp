// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/data/session_lines.h"

#include <map>

#include "engine/core/errors.h"

namespace logbert {

std::vector<SessionLine> sessionLines(const Dataset& dataset, const Session& session, RawLineIndex& index,
                                      std::size_t limit, std::size_t maxBytes, const JobControl& control) {
    const std::size_t count = std::min(limit, session.lines.size());
    std::map<std::uint32_t, std::vector<std::uint32_t>> byFile;
    for (std::size_t k = 0; k < count; ++k) byFile[session.lines[k].file].push_back(session.lines[k].line);
    std::map<std::pair<std::uint32_t, std::uint32_t>, RawLine> found;
    std::vector<SessionLine> out;
    for (const auto& [file, numbers] : byFile) {
        if (file >= dataset.files.size()) continue;
        try {
            for (auto& l : index.read(dataset.files[file], numbers, maxBytes, control)) found[{file, l.number}] = std::move(l);
        } catch (const InputError& e) {
            out.push_back(SessionLine{file, {}, e.what()});
        }
    }
    for (std::size_t k = 0; k < count; ++k) {
        const LineRef& ref = session.lines[k];
        auto it = found.find({ref.file, ref.line});
        if (it != found.end()) out.push_back(SessionLine{ref.file, it->second, {}});
    }
    return out;
}

} // namespace logbert
