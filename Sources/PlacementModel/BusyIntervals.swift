/// The intervals a device is busy, for schedules that insert a layer into the first idle gap
/// that fits it (HEFT). Kept sorted by (start, end): with layers of zero cost, sorting by start
/// alone put an empty interval after the one it shares a start with, the ends fell out of
/// order, and the search for a gap skipped a busy interval (two layers at once).
public struct BusyIntervals: Sendable {
    private var intervals: [(start: Double, end: Double)] = []

    public init() {}

    /// When the device's last booked interval ends (0 when none): where appending starts.
    public var end: Double { intervals.last?.end ?? 0 }

    /// The earliest start, at or after `ready`, of an idle gap that holds `duration`.
    public func earliestGap(from ready: Double, duration: Double) -> Double {
        // The ends are sorted too: skip the intervals that end by `ready`.
        var low = 0
        var high = intervals.count
        while low < high {
            let middle = (low + high) / 2
            if intervals[middle].end <= ready { low = middle + 1 } else { high = middle }
        }
        var begin = ready
        for interval in intervals[low...] {
            if begin + duration <= interval.start { break }
            begin = max(begin, interval.end)
        }
        return begin
    }

    /// Books `[start, start + duration)`, which must not overlap a booked interval.
    public mutating func book(_ start: Double, duration: Double) {
        let interval = (start: start, end: start + duration)
        var low = 0
        var high = intervals.count
        while low < high {
            let middle = (low + high) / 2
            if (intervals[middle].start, intervals[middle].end) <= (interval.start, interval.end) { low = middle + 1 } else { high = middle }
        }
        intervals.insert(interval, at: low)
    }
}
