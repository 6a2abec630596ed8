// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Engine structs that travel through queued signals (worker thread -> GUI thread).
#include <QMetaType>

#include "engine/training/training_job.h"

Q_DECLARE_METATYPE(logbert::TrainingSetup)
Q_DECLARE_METATYPE(logbert::TrainingStep)
Q_DECLARE_METATYPE(logbert::TrainingEpoch)
Q_DECLARE_METATYPE(logbert::TrainingSummary)
Q_DECLARE_METATYPE(logbert::JobProgress)
Q_DECLARE_METATYPE(logbert::ResourceRow)

namespace logbert::gui {
/// Registers the types above with Qt's meta-type system (once, before the first queued signal).
void registerEngineTypes();
} // namespace logbert::gui
