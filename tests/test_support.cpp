// SPDX-License-Identifier: GPL-3.0-or-later
#include "test_support.h"

#include <QDir>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace testsupport {

std::string writeFile(const QString& dir, const std::string& name, const std::string& content) {
    const std::string path = QDir(dir).filePath(QString::fromStdString(name)).toStdString();
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream out(path, std::ios::binary);
    out << content;
    return path;
}

std::string datasetsDir() {
    const char* env = std::getenv("LOGBERT_DATASETS");
    std::string dir = env && *env ? env : std::string(LOGBERT_SOURCE_DIR) + "/../shared/datasets";
    return std::filesystem::is_directory(dir + "/loghub_2k") ? dir : std::string();
}

} // namespace testsupport
