// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>
#include <string>

#include "engine/core/errors.h"

namespace testsupport {

/// Writes `content` to dir/name and returns the path.
std::string writeFile(const QString& dir, const std::string& name, const std::string& content);
/// gzip-compressed bytes of `text`.
std::string gzipBytes(const std::string& text);

/// What a `logbert` command returned: its exit code (-1 when it crashed or timed out) and output.
struct CliResult {
    int code = -1;
    QString out, err;
};
/// Runs the `logbert` CLI built with the tests and waits for it.
CliResult runCli(const QStringList& args, int timeoutMs = 300000);
/// The same for any program.
CliResult runProgram(const QString& program, const QStringList& args, int timeoutMs = 300000);

/// Copies a folder and what it holds (a run folder to alter in a test); false on any failure.
bool copyDirectory(const QString& from, const QString& to);

/// The public datasets folder (LOGBERT_DATASETS), or "" when it is not there.
std::string datasetsDir();
/// The message of the InputError that f() throws, or "(no error)".
template <typename F>
QString inputErrorOf(F&& f) {
    try {
        f();
    } catch (const logbert::InputError& e) {
        return QString::fromStdString(e.what());
    }
    return "(no error)";
}

/// Skips the calling test with a plain SKIP line when the datasets are absent.
#define REQUIRE_DATASETS(dir)                                                                      \
    const std::string dir = testsupport::datasetsDir();                                           \
    if (dir.empty()) QSKIP("SKIP: ../shared/datasets not found (set LOGBERT_DATASETS)")

} // namespace testsupport
