# SPDX-License-Identifier: MIT
# The Debian package (installer/package.sh runs cpack): what is installed where, and the package's
# metadata and dependencies. Paths are relative to the prefix, /usr in the .deb. Migrations, demo
# plans and the icon the window shows are compiled into the binary (resources/), so the console
# finds nothing by path and runs from a `dpkg -x` scratch root as well as from /usr.
include(GNUInstallDirs)

set(OPS_HOMEPAGE "https://github.com/opsconsole/ops-console" CACHE STRING "Project homepage (package and AppStream)")
set(OPS_MAINTAINER "Ops Console maintainers <maintainers@opsconsole.invalid>" CACHE STRING
    "Package maintainer: 'Name <email>'")

install(TARGETS ops-console RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The demo platform on its own (README, "Command line"); the console runs it in-process, so it is
# a tool for playing rollback by hand and stays off PATH.
install(TARGETS ops-demo-platform RUNTIME DESTINATION lib/ops-console)

install(FILES ${PROJECT_SOURCE_DIR}/resources/desktop/${OPS_APP_ID}.desktop
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/${OPS_APP_ID}.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
# AppStream metadata: the release it names is PROJECT_VERSION, like ops-console --version.
configure_file(${PROJECT_SOURCE_DIR}/resources/desktop/${OPS_APP_ID}.metainfo.xml.in
               ${PROJECT_BINARY_DIR}/${OPS_APP_ID}.metainfo.xml @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/${OPS_APP_ID}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/SECURITY.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/ops-console)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ops-console)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${OPS_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "health, sandbox, deployments and standup console for a web platform")
# The long description, one line per dpkg description line.
string(JOIN "\n" CPACK_PACKAGE_DESCRIPTION
  "A Qt desktop console for a team running a web platform on PostgreSQL:"
  "live health and alerts, the coding agents' sandbox violations, deployments"
  "with a verified one-click rollback, and the daily standup with signed"
  "Go/No-Go checkpoints. With no database configured it starts its own private"
  "PostgreSQL cluster.")
# Stripped for users; kept whole in a sanitizer build, whose package test must symbolize the
# sanitizer's stacks (tests/tsan.supp matches Qt's header names) and is never shipped.
if(OPS_SANITIZE)
  set(CPACK_STRIP_FILES OFF)
else()
  set(CPACK_STRIP_FILES ON)
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # ops-console_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${OPS_HOMEPAGE}")
# Shared libraries the binaries link (Qt, libpq, QtKeychain) come from dpkg-shlibdeps. It cannot
# see what is started or loaded at run time: the embedded default's initdb/pg_ctl/postgres
# (/usr/lib/postgresql/<major>/bin, EmbeddedPostgres::findServerBinaries), Qt's platform plugins
# and the SVG plugins that draw the icon.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "postgresql-15, qt6-qpa-plugins, libqt6svg6")
# The keyring that remembers passwords across runs; without one the console asks once per run.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gnome-keyring")
include(CPack)
