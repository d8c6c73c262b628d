// SPDX-License-Identifier: MIT
#pragma once

// IsolationCheck: the team's Day 1 test that the sandbox isolates an agent. Someone runs three
// probes inside the sandbox; each checklist item passes when the matching BLOCKED event is in the
// log within the chosen window:
//   ProtectedFileRead   a read of a protected file (kind secret, e.g. .env.local, ~/.ssh/id_rsa);
//   HostOutsideAllowList a connection to a host outside the allow-list (a blocked network event);
//   ReadOutsideProject  a read outside the project directory (a blocked file read whose target is
//                       not under it).
// The evidence (the event that satisfied the item) is returned so the view can show it.
// Blocking: call it on a pool worker. One indexed LIMIT 1 query per item.

#include "common/Result.h"
#include "db/Connection.h"

#include <QDateTime>
#include <QString>

#include <array>

namespace ops::services::sandbox {

enum class IsolationProbe { ProtectedFileRead, HostOutsideAllowList, ReadOutsideProject };

struct IsolationItem {
    IsolationProbe probe = IsolationProbe::ProtectedFileRead;
    bool passed = false;
    qint64 evidenceId = 0;  // the blocked event that proves it (0: none yet)
    QDateTime evidenceTime;
    QString evidenceTarget;  // outside text: plain text only
};

struct IsolationWindow {
    QDateTime from, to;
};

class IsolationCheck final {
public:
    static constexpr std::array<IsolationProbe, 3> Probes{
        IsolationProbe::ProtectedFileRead, IsolationProbe::HostOutsideAllowList, IsolationProbe::ReadOutsideProject};

    static QString title(IsolationProbe probe);
    // `projectDirectory`: the directory the agent works in (for ReadOutsideProject).
    static Result<std::array<IsolationItem, 3>> run(Connection& connection, qint64 projectId,
                                                    const QString& projectDirectory, const IsolationWindow& window);
    static bool allPassed(const std::array<IsolationItem, 3>& items);
};

} // namespace ops::services::sandbox
