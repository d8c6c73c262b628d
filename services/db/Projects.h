// SPDX-License-Identifier: MIT
#pragma once

// Projects: lookups on ops.projects (0001) that every feature needs.

#include "common/Result.h"

#include <QString>

namespace ops::services {

class Connection;

// The id of the project with this slug, or NotFound. Row-level security hides projects the
// caller is not a member of, so "not found" also covers "not yours" (the message says both).
Result<qint64> projectIdBySlug(Connection& connection, const QString& slug);

} // namespace ops::services
