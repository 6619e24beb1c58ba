//! Why this exists: the generated bindings speak in path strings, byte vectors, callback
//! interfaces and one boundary error type. The share extension and the app want Swift: `URL`s,
//! `Data`, `async` calls that stop when their `Task` is cancelled, an `AsyncStream` of batch
//! progress and an `Error` a person can read in their own language. This file is that thin layer;
//! every result still comes from the Rust core, unchanged.

import Foundation
@_exported import ShareSafeFFI

/// The ShareSafe library as the share extension and the app call it. Every function is `async`,
/// runs the work off the caller's thread, fails closed (no output on any error) and throws only
/// ``ShareSafeFailure``. Cancelling the calling `Task` stops the work and throws
/// ``ShareSafeFailure/cancelled``.
public enum ShareSafe {
    /// Cleans a photo held in memory; returns the verified clean bytes and what was removed.
    /// Prefer ``clean(fileAt:to:)`` in the share extension: it never holds a whole file in memory.
    public static func clean(_ data: Data) async throws -> CleanedFile {
        try await cancellable { handle in try await cleanBytes(input: data, cancel: handle) }
    }

    /// Cleans the file at `input` into a new file at `output` (both file URLs). Never overwrites:
    /// throws ``ShareSafeFailure/outputExists`` when `output` exists. `output` appears only
    /// complete and verified; `input` is never modified.
    public static func clean(fileAt input: URL, to output: URL) async throws -> CleanReport {
        try await cancellable { handle in
            try await cleanFile(inputPath: input.path, outputPath: output.path, cancel: handle)
        }
    }

    /// Cleans the file at `url` in place: the original stays as it was until the verified clean
    /// copy atomically replaces it.
    public static func cleanInPlace(fileAt url: URL) async throws -> CleanReport {
        try await cancellable { handle in try await cleanFileInPlace(path: url.path, cancel: handle) }
    }

    /// Lists every part of a photo held in memory and what a clean would do with it; writes nothing.
    public static func inspect(_ data: Data) async throws -> CleanReport {
        try await mapped { try await inspectBytes(input: data) }
    }

    /// Lists every part of the file at `url` and what a clean would do with it; writes nothing.
    public static func inspect(fileAt url: URL) async throws -> CleanReport {
        try await mapped { try await inspectFile(path: url.path) }
    }

    /// Starts cleaning `inputs` (file URLs) as one batch: into `directory` (new files, inputs
    /// untouched) or in place when `directory` is nil. `jobs` = 0 lets the core choose; the share
    /// extension passes 1 so that a single file is in flight. Progress arrives on
    /// ``BatchRun/progress`` and the outcome from ``BatchRun/summary()``.
    public static func cleanBatch(_ inputs: [URL], into directory: URL?, jobs: UInt32 = 0) -> BatchRun {
        BatchRun(inputs: inputs, directory: directory, jobs: jobs)
    }

    /// Runs `call` with a fresh cancel handle that the calling task's cancellation fires, and maps
    /// its errors onto ``ShareSafeFailure``.
    static func cancellable<T>(_ call: (CancelHandle) async throws -> T) async throws -> T {
        let handle = CancelHandle()
        return try await withTaskCancellationHandler {
            try await mapped { try await call(handle) }
        } onCancel: {
            handle.cancel()
        }
    }

    static func mapped<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch {
            throw ShareSafeFailure(error)
        }
    }
}

/// One running batch: its progress as an `AsyncStream`, its summary, and a way to stop it.
public final class BatchRun: @unchecked Sendable {
    /// One element per finished file (cleaned, refused or skipped), in completion order; the
    /// stream finishes when the batch does.
    public let progress: AsyncStream<BatchProgress>
    private let handle = CancelHandle()
    private let task: Task<BatchSummary, Error>

    init(inputs: [URL], directory: URL?, jobs: UInt32) {
        var continuation: AsyncStream<BatchProgress>.Continuation!
        // Progress is small (one record per file), so keeping every element costs little and no
        // report is dropped when the screen reads the stream late.
        progress = AsyncStream(bufferingPolicy: .unbounded) { continuation = $0 }
        let listener = StreamingListener(continuation: continuation)
        let handle = self.handle
        let paths = inputs.map(\.path)
        let outputDir = directory?.path
        task = Task.detached {
            defer { listener.finish() }
            return try await ShareSafe.mapped {
                try await ShareSafeFFI.cleanBatch(
                    inputPaths: paths, outputDir: outputDir, jobs: jobs, listener: listener, cancel: handle)
            }
        }
    }

    /// Asks the batch to stop: files not started are skipped, nothing half-written remains, and
    /// ``summary()`` still returns (with `cancelled` set).
    public func cancel() {
        handle.cancel()
    }

    /// Waits for the batch to end and returns what happened to each file. Cancelling the task
    /// that awaits this cancels the batch.
    public func summary() async throws -> BatchSummary {
        try await withTaskCancellationHandler {
            try await task.value
        } onCancel: { [handle] in
            handle.cancel()
        }
    }
}

/// Turns the core's progress callbacks (on its worker thread) into stream elements.
private final class StreamingListener: BatchListener, @unchecked Sendable {
    private let continuation: AsyncStream<BatchProgress>.Continuation

    init(continuation: AsyncStream<BatchProgress>.Continuation) {
        self.continuation = continuation
    }

    func onProgress(progress: BatchProgress) {
        continuation.yield(progress)
    }

    func finish() {
        continuation.finish()
    }
}

extension CleanReport {
    /// The file name extension of the cleaned format (`jpg`, `png`, `heic`, …), for naming outputs.
    public var fileExtension: String { `extension` }

    /// Bytes the clean removed (never negative).
    public var bytesRemoved: UInt64 { inputBytes > outputBytes ? inputBytes - outputBytes : 0 }
}

extension CleanedFile {
    /// The clean bytes as `Data`, for writing with `Data.write(to:options:)`.
    public var data: Data { bytes }
}
