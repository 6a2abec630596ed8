// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/adapters/format_preview.h"

#include "engine/core/failure_message.h"

#include <algorithm>

#include "engine/io/file_list.h"
#include "engine/io/line_reader.h"
#include "engine/parsing/log_format.h"

namespace logbert::gui {

namespace {
QString shown(std::string_view text, int maxChars) {
    const std::size_t max = std::size_t(maxChars);
    QString s = QString::fromUtf8(text.data(), int(std::min(text.size(), max)));
    if (text.size() > max) s += QString(" … (%1 bytes)").arg(text.size());
    return s;
}
} // namespace

QStringList builtinFormatNames() {
    QStringList names;
    for (const auto& f : builtinFormats()) names << QString::fromStdString(f.name);
    return names;
}

FormatPreview previewFormat(const QString& formatText, const QString& input, int lines, int maxChars) {
    FormatPreview preview;
    try {
        const LogFormat format = LogFormat::compile(formatText.toStdString());
        for (const auto& f : format.fields()) preview.fieldNames << QString::fromStdString(f);
        const auto files = expandInputPaths({input.toStdString()}, 1);
        if (files.empty()) return preview;
        LineReader reader(files.front());
        std::string_view line;
        std::vector<std::string_view> fields;
        for (int row = 0; row < lines && reader.next(line); ++row) {
            FormatPreview::Row r;
            r.matched = format.match(line, fields);
            if (r.matched)
                for (auto f : fields) r.fields << shown(f, maxChars);
            else
                r.fields << shown(line, maxChars);
            preview.rows << r;
        }
    } catch (const std::exception& e) {
        preview.error = QString::fromStdString(failureMessage(e));
    }
    return preview;
}

} // namespace logbert::gui
