import PlacementModel
import Testing

@Suite struct BusyIntervalsTests {
    @Test func aLayerGoesIntoTheFirstGapThatHoldsIt() {
        var busy = BusyIntervals()
        busy.book(0, duration: 2)
        busy.book(5, duration: 1)
        #expect(busy.earliestGap(from: 0, duration: 3) == 2)
        #expect(busy.earliestGap(from: 0, duration: 4) == 6)
        #expect(busy.earliestGap(from: 1, duration: 1) == 2)
        #expect(busy.end == 6)
    }

    /// An empty interval booked at the start of a busy one must not hide it: the next layer
    /// still waits for the busy one to end (it was placed over it before).
    @Test func emptyIntervalsDoNotHideBusyOnes() {
        var busy = BusyIntervals()
        busy.book(0, duration: 10)
        busy.book(0, duration: 0)
        #expect(busy.earliestGap(from: 0, duration: 0) == 0)
        #expect(busy.earliestGap(from: 0, duration: 5) == 10)
        busy.book(10, duration: 0)
        #expect(busy.earliestGap(from: 0, duration: 1) == 10)
        #expect(busy.end == 10)
    }
}
