// swift-tools-version:6.0
// dnnplace: places DNN layers on heterogeneous devices (see README.md).
import PackageDescription

let package = Package(
    name: "dnnplace",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "dnnplace", targets: ["dnnplace"]),
        .executable(name: "dnnplace-benchmarks", targets: ["Benchmarks"]),
        .library(name: "PlacementModel", targets: ["PlacementModel"]),
        .library(name: "MILP", targets: ["MILP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // ONNX files are protobuf; the Swift code generated from onnx.proto is committed
        // (Sources/Ingest/ONNX/onnx.pb.swift, see scripts/generate-onnx-swift), so CI builds
        // only the runtime library, not the protoc plugin.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // The problem model: formats, validation, compact graph, evaluator. Knows no solver.
        .target(name: "PlacementModel"),
        // Solver bindings (solvers/): GLPK and CBC linked in-process, and a C bridge that guards GLPK.
        .systemLibrary(name: "CGLPK", path: "solvers/CGLPK"),
        .systemLibrary(name: "CCbc", path: "solvers/CCbc", pkgConfig: "cbc"),
        .target(name: "GLPKBridge", dependencies: ["CGLPK"], path: "solvers/GLPKBridge"),
        // A solver-agnostic MILP model with GLPK and CBC backends. Knows no DNN.
        .target(name: "MILP", dependencies: ["CGLPK", "CCbc", "GLPKBridge"]),
        // Formulations, heuristics and bounds: on both the model and the MILP layer.
        .target(name: "Placement", dependencies: ["PlacementModel", "MILP"]),
        // Readable and machine-readable output: tables, result objects.
        .target(name: "Reports", dependencies: ["PlacementModel", "Placement", "LLMPlanner"]),
        // Inputs from elsewhere: ONNX models, device catalogs and cost models, profiles, generators, foreign formats.
        .target(
            name: "Ingest",
            dependencies: ["PlacementModel", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // Multi-server LLM serving layouts: cost model, evaluator, exact DP searches, baselines.
        .target(name: "LLMPlanner", dependencies: ["PlacementModel", "Ingest"]),
        .executableTarget(
            name: "dnnplace",
            dependencies: [
                "PlacementModel",
                "Placement",
                "MILP",
                "Ingest",
                "LLMPlanner",
                "Reports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Figures for results/: `swift run -c release dnnplace-benchmarks <name>`.
        .executableTarget(
            name: "Benchmarks",
            dependencies: [
                "PlacementModel", "Placement", "MILP", "Ingest", "LLMPlanner", "Reports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "PlacementModelTests", dependencies: ["PlacementModel"]),
        .testTarget(name: "MILPTests", dependencies: ["MILP"]),
        .testTarget(name: "PlacementTests", dependencies: ["Placement", "Ingest"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Placement"]),
        .testTarget(name: "LLMPlannerTests", dependencies: ["LLMPlanner"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports"]),
        .testTarget(name: "dnnplaceTests", dependencies: ["dnnplace"]),
    ],
    swiftLanguageModes: [.v6]
)
