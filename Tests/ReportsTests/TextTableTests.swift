import Reports
import Testing

@Test func columnsAlignAndNumbersAlignRight() {
    var table = TextTable(["name", "value"], rightAligned: [1])
    table.append(["a", "1"])
    table.append(["long name", "1000"])
    #expect(table.render() == "name       value\na              1\nlong name   1000")
}
