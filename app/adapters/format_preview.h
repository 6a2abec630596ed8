// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace logbert::gui {

/// How the first lines of a log split into the fields of a format string: what the Datasets
/// page shows while the user types the format (engine: LogFormat, LineReader).
struct FormatPreview {
    struct Row {
        bool matched = false;
        QStringList fields; ///< one per format field; the whole line when not matched
    };
    QStringList fieldNames;
    QList<Row> rows;
    QString error; ///< a bad format string or an unreadable file, as the engine says it
};

/// Reads the first `lines` lines of the first file of `input` (a file or a folder) and splits
/// them with `format` (a built-in name or a format string). Fields and lines are cut to
/// `maxChars` characters, with their size noted, since one log line may be megabytes. Reads
/// only those lines: cheap enough to call on every keystroke.
/// The built-in formats' names (hdfs, bgl, ...), for the format picker.
QStringList builtinFormatNames();

FormatPreview previewFormat(const QString& format, const QString& input, int lines = 12, int maxChars = 400);

} // namespace logbert::gui
