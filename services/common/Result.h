// SPDX-License-Identifier: MIT
#pragma once

// Result<T>: a value or an Error, returned by every service call that can fail.
// No exceptions cross threads or signals in this code base; errors are values.

#include <QString>

#include <cassert>
#include <optional>
#include <utility>
#include <variant>

namespace ops::services {

// What kind of failure happened. Callers branch on the kind, never on message text.
enum class ErrorKind {
    Connection,     // could not reach the server, or the connection broke (SQLSTATE class 08, 57P0x)
    Timeout,        // a client-side deadline expired (acquire, connect or statement)
    CircuitOpen,    // the circuit breaker refused the call without touching the network
    PoolExhausted,  // no connection became free before the acquire deadline
    ShuttingDown,   // the pool is draining and accepts no new work
    Transient,      // the server asked us to retry (serialization failure, deadlock, too many connections)
    Query,          // the statement failed for a permanent reason (syntax, constraint, ...)
    Permission,     // insufficient privilege (SQLSTATE 42501) or a role check refused
    InvalidInput,   // bad configuration, malformed file, invalid argument
    NotFound,       // a named thing does not exist
    Io,             // file system or process failure
    Internal,       // a bug: an invariant did not hold
};

QString errorKindName(ErrorKind kind);

struct Error {
    ErrorKind kind = ErrorKind::Internal;
    QString message;   // one line for people
    QString sqlstate;  // five characters when the server reported one
    QString detail;    // server DETAIL, or extra context
    QString hint;      // server HINT
    bool retryable = false;  // safe to try again (transient failure)

    static Error make(ErrorKind kind, QString message) { return Error{kind, std::move(message), {}, {}, {}, false}; }
    // "kind: message [SQLSTATE] (detail) hint" for logs and status lines.
    QString toString() const;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_data(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { assert(ok()); return std::get<0>(m_data); }
    const T& value() const& { assert(ok()); return std::get<0>(m_data); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(m_data)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() { return value(); }

    const Error& error() const { assert(!ok()); return std::get<1>(m_data); }

private:
    std::variant<T, Error> m_data;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const { assert(!ok()); return *m_error; }

private:
    std::optional<Error> m_error;
};

} // namespace ops::services
