import PlacementModel
import Testing

@Suite struct MemoryRoomTests {
    /// Two 100-byte GPUs and a layer `x` that needs either to itself (100 bytes at fp16); `s`
    /// and `t` weigh 4 bytes. Nothing is held at first. Once `s` is on gpu0, `x` is held to
    /// gpu1 with its 100 bytes; once `x` is placed, nothing is reserved any more.
    @Test func aLayerIsHeldToItsLastDeviceWithRoomAndReleasedWhenPlaced() throws {
        let problem = try problem("""
            {"precisions": [{"name": "fp32", "bits": 32}, {"name": "fp16", "bits": 16}],
             "devices": [{"name": "cpu", "kind": "cpu", "memory": 1e9}, {"name": "gpu0", "kind": "gpu", "memory": 100},
                         {"name": "gpu1", "kind": "gpu", "memory": 100}],
             "layers": [{"name": "s", "params": 1, "costs": {"cpu": {"fp32": 9}, "gpu": {"fp32": 1}}},
                        {"name": "t", "params": 1, "costs": {"cpu": {"fp32": 9}, "gpu": {"fp32": 1}}},
                        {"name": "x", "params": 50, "costs": {"gpu": {"fp16": 1}}}],
             "links": {"intraServer": {"bandwidth": 1e9, "latency": 0}}}
            """)
        var room = MemoryRoom(problem)
        #expect(room.onlyDevice == [nil, nil, nil])
        #expect(room.reserved == [0, 0, 0])
        room.place(0, on: 1, weight: 4)
        #expect(room.onlyDevice == [nil, nil, 2])
        #expect(room.reserved == [0, 0, 100])
        #expect(room.memoryLeft == [1e9, 96, 100])
        room.place(2, on: 2, weight: 100)
        #expect(room.reserved == [0, 0, 0])
        #expect(room.memoryLeft == [1e9, 96, 0])
    }

    /// A held layer's room counts against the others: `a` runs on the gpu only and fills it
    /// (100 bytes), so `b` (60 bytes) is held to the npu before anything is placed, and then
    /// `c` (40 bytes) too, beside `b`: both devices are reserved whole.
    @Test func holdingCascadesThroughTheRoomItTakes() throws {
        let problem = try problem("""
            {"devices": [{"name": "gpu", "kind": "gpu", "memory": 100}, {"name": "npu", "kind": "npu", "memory": 100}],
             "layers": [{"name": "a", "params": 25, "costs": {"gpu": {"fp32": 1}}},
                        {"name": "b", "params": 15, "costs": {"gpu": {"fp32": 1}, "npu": {"fp32": 1}}},
                        {"name": "c", "params": 10, "costs": {"gpu": {"fp32": 1}, "npu": {"fp32": 1}}}],
             "links": {"intraServer": {"bandwidth": 1e9, "latency": 0}}}
            """)
        let room = MemoryRoom(problem)
        #expect(room.onlyDevice == [0, 1, 1])
        #expect(room.reserved == [100, 100])
    }
}
