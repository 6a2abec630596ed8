// SPDX-License-Identifier: GPL-3.0-or-later
// Builds a Dataset from a DataConfig: read -> parse -> sessions -> labels -> sample -> split ->
// vocabulary. Everything streams line by line; only the sessions' keys stay in memory.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "engine/core/errors.h"
#include "engine/core/hashing.h"
#include "engine/data/dataset.h"
#include "engine/data/labels.h"
#include "engine/data/sequence_readers.h"
#include "engine/data/session_builder.h"
#include "engine/io/csv.h"
#include "engine/io/file_list.h"
#include "engine/parsing/raw_log_parser.h"
#include "engine/parsing/timestamp.h"

namespace logbert {
namespace fs = std::filesystem;

namespace {

/// Where messages about an input point: its YAML entry, or its path for configs built in code.
const std::string& sourceOf(const InputSpec& in) { return in.where.empty() ? in.path : in.where; }

bool isEventStream(InputKind k) { return k == InputKind::Raw || k == InputKind::StructuredCsv; }

std::string formatNumber(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

std::string joinExamples(const std::vector<std::string>& examples) {
    std::string s;
    for (const auto& e : examples) s += (s.empty() ? "" : ", ") + e;
    return s;
}

/// Turns the timestamp fields of a line into seconds.
class LineClock {
public:
    LineClock(const DataConfig& c, const std::vector<std::string>& columns) {
        if (c.timestampFields.empty() || c.timestampFormat.empty()) return;
        for (const auto& f : c.timestampFields) {
            auto it = std::find(columns.begin(), columns.end(), f);
            if (it == columns.end()) return; // the format has no such field: no times
            indices_.push_back(int(it - columns.begin()));
        }
        parser_.emplace(c.timestampFormat);
    }
    bool enabled() const { return parser_.has_value(); }
    double time(const std::vector<std::string_view>& fields) {
        if (!parser_) return std::nan("");
        scratch_.clear();
        for (std::size_t i = 0; i < indices_.size(); ++i) {
            if (i) scratch_ += ' ';
            scratch_.append(fields[std::size_t(indices_[i])]);
        }
        auto t = parser_->parse(scratch_);
        if (!t) {
            ++failures_;
            return std::nan("");
        }
        return *t;
    }
    std::uint64_t failures() const { return failures_; }

private:
    std::vector<int> indices_;
    std::optional<TimestampParser> parser_;
    std::string scratch_;
    std::uint64_t failures_ = 0;
};

struct FileInput {
    std::string path;
    std::uint32_t input;
};

std::uint64_t totalBytes(const std::vector<FileInput>& files) {
    std::uint64_t total = 0;
    for (const auto& f : files) {
        std::error_code ec;
        auto size = fs::file_size(f.path, ec);
        if (!ec) total += size;
    }
    return total;
}

/// Raw logs and structured CSV: a stream of parsed lines that a SessionBuilder groups.
void readEventStreams(const DataConfig& c, const std::vector<FileInput>& files, Dataset& d,
                      bool& inlineLabels, const JobControl& job, const Drain* trained) {
    SessionBuilder sessions(c.sessionRule, c.sessionPattern, c.windowSize, c.windowStep);
    const InputKind kind = c.inputs[files.front().input].kind;
    const bool wantInline = c.labelSource == LabelSource::Inline || c.labelSource == LabelSource::Auto;
    std::uint64_t badTimes = 0;
    std::string firstBadTime;

    if (kind == InputKind::Raw) {
        auto copyOf = [](const Drain& drain) { // Drain owns its tree; a save/load round trip copies it
            std::stringstream state;
            drain.save(state);
            return Drain::load(state, "parser state");
        };
        RawLogParser parser = trained ? RawLogParser(c.format, copyOf(*trained)) : RawLogParser(c.format, c.parser);
        parser.setTotalBytes(totalBytes(files));
        LineClock clock(c, parser.format().fields());
        const int labelField = parser.format().fieldIndex(c.labelField);
        inlineLabels = wantInline && labelField >= 0;
        if (c.labelSource == LabelSource::Inline && labelField < 0)
            throw InputError("data.labels.field", 0,
                             "the format has no <" + c.labelField + "> field to read inline labels from");
        if (c.sessionRule == SessionRule::TimeWindow && !clock.enabled())
            throw InputError("data.timestamp", 0,
                             "time windows need data.timestamp.fields (fields of the format) and data.timestamp.format");
        for (std::uint32_t i = 0; i < files.size(); ++i) {
            const std::string& path = files[i].path;
            d.files.push_back(path);
            parser.parseFile(path, i, [&](const ParsedLine& p) {
                if (!p.matched) return;
                LineEvent e;
                e.file = p.file;
                e.line = std::uint32_t(p.line);
                e.input = files[i].input;
                e.key = p.key;
                if (clock.enabled()) {
                    e.time = clock.time(*p.fields);
                    if (std::isnan(e.time) && badTimes++ == 0)
                        firstBadTime = path + ":" + std::to_string(p.line);
                }
                if (inlineLabels) e.lineLabel = parseLabel((*p.fields)[std::size_t(labelField)], true);
                sessions.add(e, p.content, path);
            }, job);
            sessions.endFile();
        }
        d.stats.linesRead = parser.linesRead();
        d.stats.linesMatched = parser.linesMatched();
        d.stats.linesUnmatched = parser.unmatched().count;
        d.stats.unmatchedExamples = parser.unmatched().examples;
        for (const auto& w : parser.readerWarnings()) d.warnings.push_back(w);
        for (const auto& t : parser.drain().templates())
            d.templates.push_back(TemplateInfo{t.id, t.text(), t.count});
        d.parser = std::make_shared<const Drain>(parser.takeDrain());
    } else { // structured CSV: EventId per line, already parsed
        std::unordered_map<std::string, std::int32_t> keyOfEvent;
        for (std::uint32_t i = 0; i < files.size(); ++i) {
            const std::string& path = files[i].path;
            d.files.push_back(path);
            CsvReader csv(path);
            const int eventCol = csv.requireColumn("EventId");
            const int templateCol = csv.column("EventTemplate");
            const int contentCol = csv.column("Content");
            const int lineCol = csv.column("LineId");
            const int labelCol = csv.column(c.labelField);
            inlineLabels = wantInline && labelCol >= 0;
            if (c.sessionRule == SessionRule::Identifier && contentCol < 0)
                throw InputError(path, 1, "identifier sessions need a Content column to search for ids");
            LineClock clock(c, csv.header());
            std::vector<std::string_view> row;
            while (csv.next(row)) {
                ++d.stats.linesRead;
                if ((d.stats.linesRead & 8191) == 0) job.throwIfCancelled();
                std::string event(row[std::size_t(eventCol)]);
                if (event.empty()) {
                    ++d.stats.linesUnmatched;
                    continue;
                }
                auto [it, added] = keyOfEvent.emplace(event, std::int32_t(keyOfEvent.size() + 1));
                if (added)
                    d.templates.push_back(TemplateInfo{it->second,
                        templateCol >= 0 ? std::string(row[std::size_t(templateCol)]) : event, 0});
                ++d.templates[std::size_t(it->second - 1)].count;
                LineEvent e;
                e.file = i;
                e.line = std::uint32_t(csv.rowLine());
                if (lineCol >= 0) {
                    long long id = std::atoll(std::string(row[std::size_t(lineCol)]).c_str());
                    if (id > 0) e.line = std::uint32_t(id);
                }
                e.input = files[i].input;
                e.key = it->second;
                if (clock.enabled()) e.time = clock.time(row);
                if (inlineLabels) e.lineLabel = parseLabel(row[std::size_t(labelCol)], true);
                sessions.add(e, contentCol >= 0 ? row[std::size_t(contentCol)] : std::string_view(), path);
            }
            sessions.endFile();
        }
        d.stats.linesMatched = d.stats.linesRead - d.stats.linesUnmatched;
    }
    d.sessions = sessions.finish();
    d.stats.linesWithoutSession = sessions.linesWithoutSession();
    if (sessions.linesWithoutSession())
        d.warnings.push_back(std::to_string(sessions.linesWithoutSession()) +
                             " lines name no session (no match for '" + c.sessionPattern + "'), first at " +
                             sessions.firstFileWithoutSession() + ":" +
                             std::to_string(sessions.firstLineWithoutSession()));
    if (sessions.outOfOrderTimes())
        d.warnings.push_back(std::to_string(sessions.outOfOrderTimes()) +
                             " lines are earlier than the line before them; they were placed at the previous time");
    if (sessions.impossibleTimes())
        d.warnings.push_back(std::to_string(sessions.impossibleTimes()) +
                             " lines have a time that is not a number or lies past the year 5000 (such as inf or 1e19); "
                             "they were placed at the previous line's time");
    if (badTimes)
        d.warnings.push_back(std::to_string(badTimes) + " lines have a timestamp that does not fit '" +
                             c.timestampFormat + "', first at " + firstBadTime);
    if (d.stats.linesUnmatched)
        d.warnings.push_back(std::to_string(d.stats.linesUnmatched) +
                             " lines do not match the format and were not used; first: " +
                             joinExamples(d.stats.unmatchedExamples));
}

/// DeepLog files and sequence CSV: every line is a session already.
void readSequences(const DataConfig& c, const std::vector<FileInput>& files, Dataset& d, const JobControl& job) {
    for (std::uint32_t i = 0; i < files.size(); ++i) {
        const auto& in = c.inputs[files[i].input];
        d.files.push_back(files[i].path);
        if (in.kind == InputKind::DeepLog)
            readDeepLogFile(files[i].path, files[i].input, in.label == "anomaly" ? Label::Anomaly : Label::Normal,
                            d.sessions, job);
        else
            readSequenceCsv(files[i].path, files[i].input, d.sessions, job);
    }
    std::map<std::int32_t, std::uint64_t> counts;
    for (std::size_t i = 0; i < d.sessions.size(); ++i) {
        d.sessions[i].order = std::uint32_t(i);
        for (auto k : d.sessions[i].keys) ++counts[k];
    }
    for (const auto& [key, count] : counts)
        d.templates.push_back(TemplateInfo{key, "key " + std::to_string(key), count});
}

/// Seeded Fisher-Yates with our own generator: std::shuffle differs between standard libraries.
template <typename T>
void seededShuffle(std::vector<T>& v, std::uint64_t seed) {
    std::uint64_t state = seed;
    for (std::size_t i = v.size(); i > 1; --i) {
        state = mix64(state);
        std::size_t j = std::size_t(state % i);
        std::swap(v[i - 1], v[j]);
    }
}

void assignSplits(const DataConfig& c, Dataset& d, bool labelled) {
    d.splits.assign(d.sessions.size(), Split::Excluded);
    std::vector<std::size_t> normals, anomalies, fixedTrain;
    std::size_t unlabelled = 0, anomaliesInTrainFiles = 0;
    for (std::size_t i = 0; i < d.sessions.size(); ++i) {
        const Session& s = d.sessions[i];
        const InputRole role = c.inputs[s.input].role;
        const bool normal = s.label == Label::Normal || (!labelled && s.label == Label::Unknown);
        if (s.label == Label::Unknown && labelled) {
            ++unlabelled;
            continue;
        }
        if (role == InputRole::Test) {
            d.splits[i] = Split::Test;
        } else if (role == InputRole::Train) {
            if (normal) fixedTrain.push_back(i);
            else ++anomaliesInTrainFiles;
        } else if (normal) {
            normals.push_back(i);
        } else {
            anomalies.push_back(i);
        }
    }
    if (unlabelled)
        d.warnings.push_back(std::to_string(unlabelled) + " sessions have no label and are left out");
    if (anomaliesInTrainFiles)
        d.warnings.push_back(std::to_string(anomaliesInTrainFiles) +
                             " anomalous sessions in role: train inputs are left out (LogBERT trains on normal sessions only)");

    auto order = [&](std::vector<std::size_t>& v, std::uint64_t salt) {
        if (c.splitOrder == SplitOrder::Random) {
            seededShuffle(v, c.seed ^ salt);
        } else {
            std::stable_sort(v.begin(), v.end(), [&](std::size_t a, std::size_t b) {
                double ta = d.sessions[a].firstTime, tb = d.sessions[b].firstTime;
                if (std::isnan(ta) || std::isnan(tb)) return !std::isnan(ta) && std::isnan(tb);
                return ta < tb;
            });
        }
    };
    order(normals, 0x6E6F726D616CULL);
    order(anomalies, 0x616E6F6D616CULL);
    order(fixedTrain, 0x747261696E21ULL);

    // Normal sessions: the first train_ratio train (the earliest ones when chronological), the
    // last validation_ratio of those validate; the rest test. Fixed-role train inputs all train.
    std::vector<std::size_t> trainPool(fixedTrain);
    const auto nTrain = std::size_t(std::llround(c.trainRatio * double(normals.size())));
    trainPool.insert(trainPool.end(), normals.begin(), normals.begin() + std::ptrdiff_t(nTrain));
    for (std::size_t k = nTrain; k < normals.size(); ++k) d.splits[normals[k]] = Split::Test;
    const auto nVal = std::size_t(std::llround(c.validationRatio * double(trainPool.size())));
    if (c.splitOrder == SplitOrder::Random) seededShuffle(trainPool, c.seed ^ 0x76616CULL);
    for (std::size_t k = 0; k < trainPool.size(); ++k)
        d.splits[trainPool[k]] = k + nVal >= trainPool.size() ? Split::Validation : Split::Train;
    const auto nAnomalyVal = std::size_t(std::llround(c.anomalyValidationRatio * double(anomalies.size())));
    for (std::size_t k = 0; k < anomalies.size(); ++k)
        d.splits[anomalies[k]] = k < nAnomalyVal ? Split::Validation : Split::Test;
}

/// Sliding windows share lines; a test window that holds a line some training window also
/// holds has partly been seen in training (the leakage reported against the LogBERT code).
void warnAboutLeakage(const DataConfig& c, Dataset& d) {
    if (c.sessionRule == SessionRule::Identifier) return;
    if (c.windowStep <= 0 || c.windowStep >= c.windowSize) return;
    std::vector<std::vector<bool>> seen(d.files.size());
    for (std::size_t i = 0; i < d.sessions.size(); ++i) {
        if (d.splits[i] != Split::Train && d.splits[i] != Split::Validation) continue;
        for (const auto& ref : d.sessions[i].lines) {
            auto& bits = seen[ref.file];
            if (bits.size() <= ref.line) bits.resize(ref.line + 1);
            bits[ref.line] = true;
        }
    }
    std::size_t leaking = 0, tests = 0;
    for (std::size_t i = 0; i < d.sessions.size(); ++i) {
        if (d.splits[i] != Split::Test) continue;
        ++tests;
        for (const auto& ref : d.sessions[i].lines) {
            const auto& bits = seen[ref.file];
            if (ref.line < bits.size() && bits[ref.line]) {
                ++leaking;
                break;
            }
        }
    }
    if (leaking)
        d.warnings.push_back(std::to_string(leaking) + " of " + std::to_string(tests) +
                             " test windows share lines with training windows (sliding windows overlap: step " +
                             formatNumber(c.windowStep) + " < size " + formatNumber(c.windowSize) +
                             "); use split.order: chronological and step = size to avoid this leakage");
}

} // namespace

Dataset buildDataset(const DataConfig& c, const JobControl& job, const Drain* trainedParser) {
    const auto started = std::chrono::steady_clock::now();
    if (c.inputs.empty()) throw InputError("data.inputs", 0, "no inputs; expected a list of files or folders");
    Dataset d;

    // Which files, in order; max_files limits the total.
    std::vector<FileInput> files;
    for (std::uint32_t i = 0; i < c.inputs.size(); ++i) {
        for (auto& f : expandInputPaths({c.inputs[i].path}, 0)) files.push_back(FileInput{f, i});
        if (isEventStream(c.inputs[i].kind) != isEventStream(c.inputs.front().kind) ||
            (c.inputs[i].kind == InputKind::Raw) != (c.inputs.front().kind == InputKind::Raw))
            throw InputError(sourceOf(c.inputs[i]), 0,
                             "inputs of one dataset must share a key space: raw logs, structured CSV, or key sequences (deeplog / sequence_csv), not a mix");
    }
    if (c.maxFiles > 0 && files.size() > std::size_t(c.maxFiles)) {
        d.warnings.push_back("max_files " + std::to_string(c.maxFiles) + ": reading " +
                             std::to_string(c.maxFiles) + " of " + std::to_string(files.size()) + " files");
        files.resize(std::size_t(c.maxFiles));
    }

    bool inlineLabels = false;
    if (isEventStream(c.inputs.front().kind)) readEventStreams(c, files, d, inlineLabels, job, trainedParser);
    else readSequences(c, files, d, job);
    job.throwIfCancelled();

    // Labels.
    bool labelled = true;
    if (!isEventStream(c.inputs.front().kind)) {
        d.labelSource = "from the inputs (deeplog label / label column)";
    } else if (inlineLabels) {
        d.labelSource = "inline, field <" + c.labelField + "> ('-' normal, anything else an alert)";
    } else {
        std::string labelFile = c.labelPath;
        if (c.labelSource == LabelSource::Auto && labelFile.empty()) {
            auto beside = fs::path(files.front().path).parent_path() / "anomaly_label.csv";
            if (fs::exists(beside)) labelFile = beside.string();
        }
        if (c.labelSource != LabelSource::None && !labelFile.empty()) {
            LabelFileReport r = applyLabelFile(labelFile, d.sessions);
            // A label file that labels nothing is the wrong file (or the wrong logs), not a warning.
            if (r.labelled == 0 && !d.sessions.empty())
                throw InputError(labelFile, 0,
                                 r.unknownIds ? "none of its " + std::to_string(r.unknownIds) +
                                                    " rows names a session in the logs (e.g. " +
                                                    r.unknownExamples.front() + "); is it the label file of these logs?"
                                              : "has no label rows");
            d.labelSource = labelFile + (c.labelSource == LabelSource::Auto ? " (found beside the logs)" : "");
            if (r.unlabelled)
                d.warnings.push_back(std::to_string(r.unlabelled) + " sessions are not in " + labelFile +
                                     ", e.g. " + joinExamples(r.unlabelledExamples));
            if (r.unknownIds)
                d.warnings.push_back(std::to_string(r.unknownIds) + " rows of " + labelFile +
                                     " name sessions that are not in the logs (not read, or outside max_files), e.g. " +
                                     joinExamples(r.unknownExamples));
        } else {
            labelled = false;
            d.labelSource = "none (all sessions taken as normal for training; no evaluation possible)";
        }
    }

    // Per-input label filters, then the seeded sample (by session id, so the same sessions are
    // kept whatever else is read).
    d.stats.sessionsBeforeSampling = d.sessions.size();
    std::vector<Session> kept;
    kept.reserve(c.sampleRatio >= 1.0 ? d.sessions.size() : std::size_t(double(d.sessions.size()) * c.sampleRatio * 1.1) + 16);
    for (auto& s : d.sessions) {
        const LabelFilter only = c.inputs[s.input].only;
        if (only == LabelFilter::Normal && s.label != Label::Normal) continue;
        if (only == LabelFilter::Anomaly && s.label != Label::Anomaly) continue;
        if (c.sampleRatio < 1.0 && unitInterval(stableHash(s.id, c.seed)) >= c.sampleRatio) continue;
        kept.push_back(std::move(s));
    }
    d.sessions = std::move(kept);
    for (std::size_t i = 0; i < d.sessions.size(); ++i) d.sessions[i].order = std::uint32_t(i);
    if (d.sessions.empty())
        throw InputError(sourceOf(c.inputs.front()), 0,
                         "no sessions left (" + std::to_string(d.stats.sessionsBeforeSampling) +
                             " read; sample_ratio " + formatNumber(c.sampleRatio) +
                             " and label filters kept none)");

    assignSplits(c, d, labelled);
    warnAboutLeakage(c, d);
    auto training = d.sessionsIn(Split::Train);
    const bool onlyTestInputs = std::all_of(c.inputs.begin(), c.inputs.end(),
                                            [](const InputSpec& in) { return in.role == InputRole::Test; });
    if (training.empty() && !onlyTestInputs) // data to score with an existing model needs none
        throw InputError(sourceOf(c.inputs.front()), 0,
                         "no normal sessions to train on: " + std::to_string(d.sessions.size()) +
                             " sessions, " + std::to_string(d.count(Split::Test, Label::Anomaly)) +
                             " anomalous; LogBERT trains on normal sessions only");
    d.vocabulary = Vocabulary::build(training);
    d.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return d;
}

} // namespace logbert
