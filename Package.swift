// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "pgreown",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pgreown", targets: ["pgreown"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
    ],
    targets: [
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CIsal", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // libcrypto's HMAC-SHA256 for the data policy's keyed transformers (not swift-crypto: its build is too slow for CI).
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "DumpFormat", dependencies: ["CZlib", "CIsal", "CLZ4", "CZstd"]),
        .target(name: "Ownership", dependencies: ["DumpFormat"]),
        // The data policy (--policy): masking and subsetting COPY rows; pure, no server.
        .target(name: "Masking", dependencies: ["DumpFormat", "CCrypto", .product(name: "Yams", package: "Yams")]),
        .target(name: "Restore", dependencies: ["Ownership", "Masking", "DumpFormat", "CLibPQ"]),
        .target(name: "Audit", dependencies: ["Restore"]),
        .executableTarget(name: "pgreown", dependencies: [
            "Audit", "Restore", "Ownership", "Masking", "DumpFormat",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Fuzzing (scripts/fuzz): the targets, and the libFuzzer/replay binary.
        .target(name: "FuzzTargets", dependencies: ["DumpFormat", "Ownership", "Restore", "Masking"]),
        .executableTarget(name: "pgreown-fuzz", dependencies: ["FuzzTargets"]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "DumpFormatTests", dependencies: ["DumpFormat", "TestSupport"],
                    path: "Tests/DumpFormatTests"),
        .testTarget(name: "OwnershipTests", dependencies: ["Ownership", "DumpFormat"],
                    path: "Tests/OwnershipTests"),
        .testTarget(name: "MaskingTests", dependencies: ["Masking", "DumpFormat"],
                    path: "Tests/MaskingTests"),
        .testTarget(name: "IntegrationTests", dependencies: ["DumpFormat", "Restore", "Masking", "TestSupport"],
                    path: "Tests/IntegrationTests"),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzTargets", "TestSupport"],
                    path: "Tests/FuzzTests"),
        .testTarget(name: "AuditTests", dependencies: ["Audit", "Restore", "TestSupport"],
                    path: "Tests/AuditTests"),
    ],
    swiftLanguageModes: [.v6]
)
