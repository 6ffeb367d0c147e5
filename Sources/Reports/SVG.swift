import Foundation
import PlacementModel

/// The few SVG pieces the charts share.
enum SVG {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A coordinate or size: six significant digits.
    static func number(_ value: Double) -> String { formatSignificant(value, digits: 6) }

    static func text(x: Double, y: Double, _ content: String) -> String {
        "<text x=\"\(number(x))\" y=\"\(number(y))\">\(escape(content))</text>\n"
    }

    static func document(width: Double, height: Double, title: String, body: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(number(width))\" height=\"\(number(height))\" viewBox=\"0 0 \(number(width)) \(number(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
            + text(x: 8, y: 20, title) + body + "</svg>\n"
    }

    static let palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#bab0ac"]
}
