import Foundation

/// Bytes in decimal units, e.g. `19.2 GB`.
public func formatBytes(_ bytes: Double) -> String {
    guard bytes.isFinite else { return "unbounded" }
    let units = ["B", "kB", "MB", "GB", "TB", "PB"]
    var value = bytes
    var unit = 0
    while abs(value) >= 1000, unit < units.count - 1 {
        value /= 1000
        unit += 1
    }
    return unit == 0 ? "\(Int(value)) B" : "\(formatSignificant(value)) \(units[unit])"
}

/// Seconds in the most readable unit, e.g. `1.23 ms`.
public func formatSeconds(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "∞" }
    let magnitude = abs(seconds)
    if magnitude == 0 { return "0 s" }
    if magnitude >= 1 { return "\(formatSignificant(seconds)) s" }
    if magnitude >= 1e-3 { return "\(formatSignificant(seconds * 1e3)) ms" }
    if magnitude >= 1e-6 { return "\(formatSignificant(seconds * 1e6)) µs" }
    return "\(formatSignificant(seconds * 1e9)) ns"
}

/// Four significant digits, trailing zeros dropped.
public func formatSignificant(_ x: Double, digits: Int = 4) -> String {
    guard x.isFinite, x != 0 else { return x == 0 ? "0" : "\(x)" }
    let magnitude = Int((log10(abs(x))).rounded(.down))
    let decimals = max(0, digits - 1 - magnitude)
    var text = String(format: "%.\(decimals)f", x)
    if text.contains(".") {
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
    }
    return text
}

/// A relative gap as a percentage; below 5e-7 (solver tolerance) it is "0%".
public func formatGap(_ gap: Double) -> String {
    gap < 5e-7 ? "0%" : "\(formatSignificant(gap * 100, digits: 3))%"
}

/// "1 layer", "3 layers": a count with its noun, plural when the count is not 1.
public func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
