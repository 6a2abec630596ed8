// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <stdexcept>
#include <string>

namespace logbert {

/// A problem with what the user gave us (a file, a config value, a command-line flag).
/// It names the place (file and, where known, 1-based line) and what was expected, so the
/// CLI can print it as one line and exit with code 2, and the GUI can show it in the window.
class InputError : public std::runtime_error {
public:
    InputError(std::string source, long line, std::string message);

    const std::string& source() const { return source_; }
    long line() const { return line_; }          ///< 0 when the problem is not on one line
    const std::string& message() const { return message_; }

private:
    std::string source_;
    long line_;
    std::string message_;
};

/// Thrown out of a job's loop when its cancel flag was set; not an error for the user.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

} // namespace logbert
