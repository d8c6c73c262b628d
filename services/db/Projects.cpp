// SPDX-License-Identifier: MIT
#include "db/Projects.h"

#include "db/Connection.h"

namespace ops::services {

Result<qint64> projectIdBySlug(Connection& connection, const QString& slug)
{
    auto rows = connection.exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = $1"), {slug});
    if (!rows)
        return rows.error();
    if (rows->rowCount() == 0)
        return Error::make(ErrorKind::NotFound, QStringLiteral("no project '%1' (or you are not a member)").arg(slug));
    return rows->toInt64(0, 0);
}

} // namespace ops::services
