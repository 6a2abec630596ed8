// SPDX-License-Identifier: GPL-3.0-or-later
#include "test_support.h"

#include <QDir>
#include <QProcess>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <zlib.h>

namespace testsupport {

std::string writeFile(const QString& dir, const std::string& name, const std::string& content) {
    const std::string path = QDir(dir).filePath(QString::fromStdString(name)).toStdString();
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream out(path, std::ios::binary);
    out << content;
    return path;
}

std::string gzipBytes(const std::string& text) {
    z_stream zs{};
    deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY); // +16: gzip wrapper
    std::string out(deflateBound(&zs, uLong(text.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    zs.avail_in = uInt(text.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = uInt(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

CliResult runCli(const QStringList& args, int timeoutMs) { return runProgram(LOGBERT_CLI_PATH, args, timeoutMs); }

CliResult runProgram(const QString& program, const QStringList& args, int timeoutMs) {
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

bool copyDirectory(const QString& from, const QString& to) {
    std::error_code ec;
    std::filesystem::copy(from.toStdString(), to.toStdString(), std::filesystem::copy_options::recursive, ec);
    return !ec;
}

std::string datasetsDir() {
    const char* env = std::getenv("LOGBERT_DATASETS");
    std::string dir = env && *env ? env : std::string(LOGBERT_SOURCE_DIR) + "/../shared/datasets";
    return std::filesystem::is_directory(dir + "/loghub_2k") ? dir : std::string();
}

} // namespace testsupport
