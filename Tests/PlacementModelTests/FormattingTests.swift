import PlacementModel
import Testing

@Suite struct FormattingTests {
    @Test func countsTakeTheirNounInTheSingularOnlyForOne() {
        #expect(counted(1, "layer") == "1 layer")
        #expect(counted(0, "edge") == "0 edges")
        #expect(counted(3, "GPU") == "3 GPUs")
    }
}
