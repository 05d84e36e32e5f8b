#include "core/prep/validation.h"
#include "prep_test_tables.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <cmath>
#include <functional>
#include <map>

using namespace mb;
using namespace mb::test;

namespace {

constexpr int kRows = 200;

// 200 rows that pass every check: two columns of unique floats (so that no two rows are
// equal even with one of them missing), spread integers, three colours, and a balanced
// target that alternates independently of the features.
Table cleanTable()
{
    Lcg rng(7);
    std::vector<double> x1;
    std::vector<double> x2;
    std::vector<double> x3;
    QStringList color;
    QStringList y;
    const QStringList colors = {QStringLiteral("red"), QStringLiteral("green"), QStringLiteral("blue")};
    for (int i = 0; i < kRows; ++i) {
        x1.push_back(rng.uniform() * 10.0);
        x2.push_back(rng.below(100));
        x3.push_back(rng.uniform() * 5.0);
        color << colors.at(rng.below(3));
        y << (i % 2 == 0 ? QStringLiteral("a") : QStringLiteral("b"));
    }
    Table t;
    t.columns.push_back(numericColumn(QStringLiteral("x1"), x1));
    t.columns.push_back(numericColumn(QStringLiteral("x2"), x2, ColumnType::Integer));
    t.columns.push_back(numericColumn(QStringLiteral("x3"), x3));
    t.columns.push_back(categoricalColumn(QStringLiteral("color"), color));
    t.columns.push_back(categoricalColumn(QStringLiteral("y"), y));
    return t;
}

Column &col(Table &t, const char *name)
{
    return t.columns[std::size_t(t.indexOf(QLatin1String(name)))];
}

std::vector<double> repeated(double value, int n)
{
    return std::vector<double>(std::size_t(n), value);
}

using Mutation = std::function<void(Table &, ValidationOptions &)>;

const std::map<QString, Mutation> &mutations()
{
    static const std::map<QString, Mutation> m = {
        {QStringLiteral("none"), [](Table &, ValidationOptions &) {}},
        {QStringLiteral("x1 15% missing"),
         [](Table &t, ValidationOptions &) {
             for (int i = 0; i < 30; ++i)
                 col(t, "x1").values[std::size_t(i * 6 + 2)] = kMissing;
         }},
        {QStringLiteral("x1 5% missing"),
         [](Table &t, ValidationOptions &) {
             for (int i = 0; i < 10; ++i)
                 col(t, "x1").values[std::size_t(i * 6 + 2)] = kMissing;
         }},
        {QStringLiteral("all missing column"),
         [](Table &t, ValidationOptions &) { t.columns.push_back(numericColumn(QStringLiteral("empty"), repeated(kMissing, kRows))); }},
        {QStringLiteral("6% outliers"),
         [](Table &t, ValidationOptions &) {
             std::vector<double> v = repeated(0, kRows);
             for (int i = 0; i < 12; ++i)
                 v[std::size_t(i * 16 + 5)] = 100;
             t.columns.push_back(numericColumn(QStringLiteral("spiky"), v));
         }},
        {QStringLiteral("2% outliers"),
         [](Table &t, ValidationOptions &) {
             std::vector<double> v = repeated(0, kRows);
             for (int i = 0; i < 4; ++i)
                 v[std::size_t(i * 40 + 5)] = 100;
             t.columns.push_back(numericColumn(QStringLiteral("spiky"), v));
         }},
        {QStringLiteral("constant number"),
         [](Table &t, ValidationOptions &) { t.columns.push_back(numericColumn(QStringLiteral("k"), repeated(7, kRows))); }},
        {QStringLiteral("constant category"),
         [](Table &t, ValidationOptions &) {
             QStringList cells;
             for (int i = 0; i < kRows; ++i)
                 cells << QStringLiteral("same");
             t.columns.push_back(categoricalColumn(QStringLiteral("k"), cells));
         }},
        {QStringLiteral("two duplicate rows"),
         [](Table &t, ValidationOptions &) {
             for (Column &c : t.columns) {
                 c.values[10] = c.values[3];
                 c.values[20] = c.values[3];
             }
         }},
        {QStringLiteral("numbers with a little text"),
         [](Table &t, ValidationOptions &) {
             Lcg rng(3);
             QStringList cells;
             for (int i = 0; i < kRows; ++i)
                 cells << (i % 40 == 39 ? QStringLiteral("abc") : QString::number(20 + rng.below(50)));
             t.columns.push_back(categoricalColumn(QStringLiteral("age"), cells));
         }},
        {QStringLiteral("numbers with much text"),
         [](Table &t, ValidationOptions &) {
             Lcg rng(3);
             QStringList cells;
             for (int i = 0; i < kRows; ++i)
                 cells << (i % 10 == 9 ? QStringLiteral("abc") : QString::number(20 + rng.below(50)));
             t.columns.push_back(categoricalColumn(QStringLiteral("age"), cells));
         }},
        {QStringLiteral("target absent"), [](Table &, ValidationOptions &o) { o.target = QStringLiteral("label"); }},
        {QStringLiteral("target with missing values"),
         [](Table &t, ValidationOptions &) {
             for (std::size_t r : {4, 9, 30})
                 col(t, "y").values[r] = kMissing;
         }},
        {QStringLiteral("single class"),
         [](Table &t, ValidationOptions &) {
             QStringList cells;
             for (int i = 0; i < kRows; ++i)
                 cells << QStringLiteral("a");
             col(t, "y") = categoricalColumn(QStringLiteral("y"), cells);
         }},
        {QStringLiteral("2% minority"),
         [](Table &t, ValidationOptions &) {
             QStringList cells;
             for (int i = 0; i < kRows; ++i)
                 cells << (i % 50 == 7 ? QStringLiteral("b") : QStringLiteral("a"));
             col(t, "y") = categoricalColumn(QStringLiteral("y"), cells);
         }},
        {QStringLiteral("numeric target with 100 values"),
         [](Table &t, ValidationOptions &) {
             std::vector<double> v;
             for (int i = 0; i < kRows; ++i)
                 v.push_back(double((i * 37) % 100));
             col(t, "y") = numericColumn(QStringLiteral("y"), v, ColumnType::Integer);
         }},
        {QStringLiteral("regression on text"), [](Table &, ValidationOptions &o) { o.classification = false; }},
        {QStringLiteral("copied target"),
         [](Table &t, ValidationOptions &) {
             Column copy = col(t, "y");
             copy.name = QStringLiteral("y_copy");
             t.columns.push_back(copy);
         }},
        {QStringLiteral("target as numbers"),
         [](Table &t, ValidationOptions &) {
             std::vector<double> v;
             for (double c : col(t, "y").values)
                 v.push_back(c == 0 ? 10 : 20);
             t.columns.push_back(numericColumn(QStringLiteral("y_code"), v, ColumnType::Integer));
         }},
        {QStringLiteral("regression, linear leak"),
         [](Table &t, ValidationOptions &o) {
             o.classification = false;
             std::vector<double> v;
             for (double x : col(t, "x2").values)
                 v.push_back(2 * x + 1);
             col(t, "y") = numericColumn(QStringLiteral("y"), v);
         }},
        {QStringLiteral("regression, category per target value"),
         [](Table &t, ValidationOptions &o) {
             o.classification = false;
             std::vector<double> v;
             QStringList grade;
             for (double x : col(t, "x2").values) {
                 v.push_back(std::fmod(x, 5.0) * 10);
                 grade << QStringLiteral("grade %1").arg(std::fmod(x, 5.0));
             }
             col(t, "y") = numericColumn(QStringLiteral("y"), v);
             t.columns.push_back(categoricalColumn(QStringLiteral("grade"), grade));
         }},
        {QStringLiteral("regression, noisy relation"),
         [](Table &t, ValidationOptions &o) {
             o.classification = false;
             Lcg rng(99);
             std::vector<double> v;
             for (double x : col(t, "x2").values)
                 v.push_back(x + 80 * rng.uniform());
             col(t, "y") = numericColumn(QStringLiteral("y"), v);
         }},
    };
    return m;
}

// A table with the columns of tests/data/prep/schema/good.json, every value conforming.
Table schemaTable()
{
    Lcg rng(11);
    std::vector<double> age;
    std::vector<double> score;
    std::vector<double> active;
    QStringList color;
    const QStringList colors = {QStringLiteral("red"), QStringLiteral("green"), QStringLiteral("blue")};
    for (int i = 0; i < kRows; ++i) {
        age.push_back(rng.below(121));
        score.push_back(rng.uniform());
        active.push_back(rng.below(2));
        color << colors.at(rng.below(3));
    }
    Table t;
    t.columns.push_back(numericColumn(QStringLiteral("age"), age, ColumnType::Integer));
    t.columns.push_back(numericColumn(QStringLiteral("score"), score));
    t.columns.push_back(categoricalColumn(QStringLiteral("color"), color));
    t.columns.push_back(numericColumn(QStringLiteral("active"), active, ColumnType::Boolean));
    return t;
}

QString fixture(const QString &name)
{
    return QStringLiteral(MB_TEST_DATA_DIR "/prep/") + name;
}

QString describe(const ValidationReport &r)
{
    return r.toText();
}

} // namespace

class TestValidation : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void checks_data()
    {
        QTest::addColumn<QString>("mutation");
        QTest::addColumn<QString>("check"); // empty: the report must have no finding at all
        QTest::addColumn<int>("severity");
        QTest::addColumn<QString>("column");
        QTest::addColumn<QString>("messagePart");
        const int W = int(Severity::Warning);
        const int E = int(Severity::Error);
        const auto row = [](const char *name) -> QTestData & { return QTest::newRow(name) << QString::fromLatin1(name); };

        row("none") << QString() << 0 << QString() << QString();
        row("x1 15% missing") << "missing_values" << W << "x1" << "column 'x1' is 15.0% missing (30 of 200 rows, first at row 3)";
        row("x1 5% missing") << QString() << 0 << QString() << QString();
        row("all missing column") << "all_missing" << E << "empty" << "column 'empty' has no values: all 200 rows are missing";
        row("6% outliers") << "outliers" << W << "spiky" << "12 values (6.0%) further than 3 standard deviations";
        row("2% outliers") << QString() << 0 << QString() << QString();
        row("constant number") << "constant" << W << "k" << "column 'k' is constant (every value is '7')";
        row("constant category") << "constant" << W << "k" << "every value is 'same'";
        row("two duplicate rows") << "duplicate_rows" << W << QString() << "2 duplicate rows (1.0% of the table): row 11 repeats row 4, row 21 repeats row 4";
        row("numbers with a little text") << "numeric_text" << W << "age" << "column 'age' looks numeric but has text values such as 'abc' (5 of 200 values)";
        row("numbers with much text") << QString() << 0 << QString() << QString();
        row("target absent") << "target_missing" << E << "label" << "target column 'label' is not in the table (columns: x1, x2, x3, color, y)";
        row("target with missing values") << "target_missing_values" << E << "y" << "target 'y' has 3 missing values (first at row 5)";
        row("single class") << "single_class" << E << "y" << "target 'y' has a single class 'a'; a classifier needs at least two";
        row("2% minority") << "class_imbalance" << W << "y" << "class 'b' of target 'y' has only 4 rows (2.0%, below 5.0%)";
        row("numeric target with 100 values") << "many_classes" << W << "y" << "has 100 distinct numeric values; it looks like a regression target";
        row("regression on text") << "target_not_numeric" << E << "y" << "regression target 'y' is not numeric (values such as 'a')";
        row("copied target") << "leakage" << E << "y_copy" << "feature 'y_copy' alone predicts target 'y' (balanced accuracy 1.0000 >= 0.99)";
        row("target as numbers") << "leakage" << E << "y_code" << "feature 'y_code' alone predicts target 'y' (balanced accuracy 1.0000";
        row("regression, linear leak") << "leakage" << E << "x2" << "feature 'x2' alone predicts target 'y' (|Pearson r| 1.0000";
        row("regression, category per target value") << "leakage" << E << "grade" << "feature 'grade' alone predicts target 'y' (correlation ratio 1.0000";
        row("regression, noisy relation") << QString() << 0 << QString() << QString();
    }

    void checks()
    {
        QFETCH(QString, mutation);
        QFETCH(QString, check);
        QFETCH(int, severity);
        QFETCH(QString, column);
        QFETCH(QString, messagePart);
        Table table = cleanTable();
        ValidationOptions options;
        options.target = QStringLiteral("y");
        QVERIFY(mutations().count(mutation));
        mutations().at(mutation)(table, options);

        const ValidationReport report = validateTable(table, options);
        QCOMPARE(report.rows, qint64(table.rowCount()));
        QCOMPARE(report.columns, qint64(table.columnCount()));
        if (check.isEmpty()) {
            QVERIFY2(report.findings.empty(), qPrintable(describe(report)));
            return;
        }
        QVERIFY2(report.findings.size() == 1, qPrintable(describe(report)));
        const Finding &f = report.findings.front();
        QCOMPARE(f.check, check);
        QCOMPARE(int(f.severity), severity);
        QCOMPARE(f.column, column);
        QVERIFY2(f.message.contains(messagePart), qPrintable(f.message));
        QCOMPARE(report.hasErrors(), severity == int(Severity::Error));
    }

    void duplicateDetails()
    {
        Table table = cleanTable();
        for (int copy = 0; copy < 8; ++copy)
            for (Column &c : table.columns)
                c.values[std::size_t(100 + copy)] = c.values[std::size_t(copy)];
        ValidationOptions options;
        options.maxDuplicateRowsReported = 3;
        const ValidationReport report = validateTable(table, options);
        QCOMPARE(report.findings.size(), std::size_t(1));
        const QJsonObject details = report.findings.front().details;
        QCOMPARE(details.value(QStringLiteral("count")).toInt(), 8);
        const QJsonArray examples = details.value(QStringLiteral("examples")).toArray();
        QCOMPARE(examples.size(), 3);
        QCOMPARE(examples.at(2).toObject().value(QStringLiteral("row")).toInt(), 103);
        QCOMPARE(examples.at(2).toObject().value(QStringLiteral("duplicateOf")).toInt(), 3);
    }

    void duplicatesTreatMissingAsEqual()
    {
        Table table = cleanTable();
        col(table, "x1").values[0] = kMissing;
        for (Column &c : table.columns)
            c.values[50] = c.values[0];
        for (Column &c : table.columns)
            c.values[61] = c.values[60];
        col(table, "x2").values[60] = -0.0; // equal to 0.0 although its bits differ
        col(table, "x2").values[61] = 0.0;
        const ValidationReport report = validateTable(table, ValidationOptions());
        QCOMPARE(report.count(Severity::Warning), 1);
        QCOMPARE(report.findings.front().details.value(QStringLiteral("count")).toInt(), 2);
    }

    void irisHasNoLeakage()
    {
        const Table iris = readSimpleCsv(fixture(QStringLiteral("iris.csv")));
        QCOMPARE(iris.rowCount(), std::size_t(150));
        ValidationOptions options;
        options.target = QStringLiteral("species");
        const ValidationReport report = validateTable(iris, options);
        // The one real problem in Iris: row 143 repeats row 102.
        QVERIFY2(report.findings.size() == 1, qPrintable(describe(report)));
        QCOMPARE(report.findings.front().check, QStringLiteral("duplicate_rows"));
        QVERIFY(report.findings.front().message.contains(QStringLiteral("row 143 repeats row 102")));
    }

    void irisWithCodedSpeciesLeaks()
    {
        Table iris = readSimpleCsv(fixture(QStringLiteral("iris.csv")));
        const Column &species = iris.columns.back();
        std::vector<double> codes;
        for (double v : species.values)
            codes.push_back(v + 1);
        iris.columns.insert(iris.columns.begin(), numericColumn(QStringLiteral("species_id"), codes, ColumnType::Integer));
        ValidationOptions options;
        options.target = QStringLiteral("species");
        const ValidationReport report = validateTable(iris, options);
        QCOMPARE(report.count(Severity::Error), 1);
        const auto leak = std::find_if(report.findings.begin(), report.findings.end(),
                                       [](const Finding &f) { return f.check == QLatin1String("leakage"); });
        QVERIFY(leak != report.findings.end());
        QCOMPARE(leak->column, QStringLiteral("species_id"));
        QCOMPARE(leak->details.value(QStringLiteral("score")).toDouble(), 1.0);
    }

    void leakageThresholdIsRespected()
    {
        // A feature that matches the target on 97% of rows: a strong feature, not a copy.
        Table table = cleanTable();
        Column almost = col(table, "y");
        almost.name = QStringLiteral("almost");
        for (int i = 0; i < 6; ++i)
            almost.values[std::size_t(i * 33)] = 1 - almost.values[std::size_t(i * 33)];
        table.columns.push_back(almost);
        ValidationOptions options;
        options.target = QStringLiteral("y");
        QVERIFY2(validateTable(table, options).findings.empty(), qPrintable(describe(validateTable(table, options))));
        options.leakageThreshold = 0.95;
        const ValidationReport report = validateTable(table, options);
        QCOMPARE(report.count(Severity::Error), 1);
        const double score = report.findings.front().details.value(QStringLiteral("score")).toDouble();
        QVERIFY2(score > 0.96 && score < 0.98, qPrintable(QString::number(score)));
    }

    void identifierIsNotALeak()
    {
        // One category per row carries no information about the class when left out.
        Table table = cleanTable();
        QStringList ids;
        for (int i = 0; i < kRows; ++i)
            ids << QStringLiteral("id-%1").arg(i);
        table.columns.push_back(categoricalColumn(QStringLiteral("id"), ids));
        ValidationOptions options;
        options.target = QStringLiteral("y");
        QVERIFY2(validateTable(table, options).findings.empty(), qPrintable(describe(validateTable(table, options))));
        options.classification = false;
        col(table, "y") = numericColumn(QStringLiteral("y"), col(table, "x1").values);
        col(table, "x1").name = QStringLiteral("x1_renamed");
        std::vector<double> noisy;
        Lcg rng(5);
        for (double v : col(table, "y").values)
            noisy.push_back(v + 20 * rng.uniform());
        col(table, "x1_renamed").values = noisy;
        QVERIFY2(validateTable(table, options).findings.empty(), qPrintable(describe(validateTable(table, options))));
    }

    void schemaChecks_data()
    {
        QTest::addColumn<QString>("mutation");
        QTest::addColumn<QString>("check");
        QTest::addColumn<QString>("column");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("clean") << "none" << QString() << QString() << QString();
        QTest::newRow("missing column") << "drop active" << "schema_missing_column" << "active" << "column 'active' (boolean) required by the schema is missing";
        QTest::newRow("fraction in integer") << "age 2.5" << "schema_type" << "age" << "column 'age' should be integer but 1 of its values are not (first '2.5' at row 3; read as float)";
        QTest::newRow("text in float") << "score text" << "schema_type" << "score" << "column 'score' should be float but 1 of its values are not (first 'abc' at row 7; read as categorical)";
        QTest::newRow("numbers read as text") << "score as text" << QString() << QString() << QString();
        QTest::newRow("extra column") << "extra" << "schema_extra_column" << "extra" << "column 'extra' is not in the schema";
        QTest::newRow("missing in non-nullable") << "age missing" << "schema_nullable" << "age" << "column 'age' must not have missing values but has 1 (first at row 4)";
        QTest::newRow("below min") << "age -1" << "schema_min" << "age" << "column 'age' has 1 values below the minimum 0 (first -1 at row 2)";
        QTest::newRow("above max") << "score 1.5" << "schema_max" << "score" << "column 'score' has 1 values above the maximum 1 (first 1.5 at row 5)";
        QTest::newRow("not allowed") << "purple" << "schema_allowed" << "color" << "not in the allowed list (red, green, blue); first 'purple' at row 6";
        QTest::newRow("boolean as 2") << "active 2" << "schema_type" << "active" << "column 'active' should be boolean";
    }

    void schemaChecks()
    {
        QFETCH(QString, mutation);
        QFETCH(QString, check);
        QFETCH(QString, column);
        QFETCH(QString, messagePart);
        Result<Schema> schema = Schema::load(fixture(QStringLiteral("schema/good.json")));
        QVERIFY2(schema.ok(), qPrintable(schema.error().message));
        Table t = schemaTable();
        if (mutation == QLatin1String("drop active")) {
            t.columns.pop_back();
        } else if (mutation == QLatin1String("age 2.5")) {
            col(t, "age").type = ColumnType::Float;
            col(t, "age").values[2] = 2.5;
        } else if (mutation.startsWith(QLatin1String("score "))) {
            QStringList cells;
            for (double v : col(t, "score").values)
                cells << QString::number(v, 'g', 17);
            if (mutation == QLatin1String("score text"))
                cells[6] = QStringLiteral("abc");
            if (mutation == QLatin1String("score 1.5"))
                col(t, "score").values[4] = 1.5;
            else
                col(t, "score") = categoricalColumn(QStringLiteral("score"), cells);
        } else if (mutation == QLatin1String("extra")) {
            t.columns.push_back(numericColumn(QStringLiteral("extra"), col(t, "score").values));
        } else if (mutation == QLatin1String("age missing")) {
            col(t, "age").values[3] = kMissing;
        } else if (mutation == QLatin1String("age -1")) {
            col(t, "age").values[1] = -1;
        } else if (mutation == QLatin1String("purple")) {
            Column &c = col(t, "color");
            c.categories << QStringLiteral("purple");
            c.values[5] = c.categories.size() - 1;
        } else if (mutation == QLatin1String("active 2")) {
            col(t, "active").type = ColumnType::Integer;
            col(t, "active").values[8] = 2;
        }
        ValidationOptions options;
        options.schema = *schema;
        const ValidationReport report = validateTable(t, options);
        // Other checks may also speak (text among numbers is also "numeric_text"); only the
        // schema's findings are compared here.
        std::vector<Finding> schemaFindings;
        for (const Finding &f : report.findings)
            if (f.check.startsWith(QLatin1String("schema_")))
                schemaFindings.push_back(f);
        if (check.isEmpty()) {
            QVERIFY2(report.findings.empty(), qPrintable(describe(report)));
            return;
        }
        QVERIFY2(schemaFindings.size() == 1, qPrintable(describe(report)));
        const Finding &f = schemaFindings.front();
        QCOMPARE(f.check, check);
        QCOMPARE(f.severity, Severity::Error);
        QCOMPARE(f.column, column);
        QVERIFY2(f.message.contains(messagePart), qPrintable(f.message));
    }

    void schemaFileErrors_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("bad type") << "bad_type.json" << "columns[2].type" << "'colour' is not a column type";
        QTest::newRow("missing name") << "bad_missing_name.json" << "columns[0].name" << "a non-empty string is required";
        QTest::newRow("min not a number") << "bad_min_not_number.json" << "columns[1].min" << "must be a number, not a string";
        QTest::newRow("min on categorical") << "bad_min_on_categorical.json" << "columns[0].min" << "only numeric columns can have a minimum";
        QTest::newRow("min above max") << "bad_min_above_max.json" << "columns[0].min" << "min 10 is greater than max 5";
        QTest::newRow("allowed item") << "bad_allowed_item.json" << "columns[0].allowed[1]" << "must be a string, number or boolean, not an object";
        QTest::newRow("unknown field") << "bad_unknown_field.json" << "columns[0].nulable" << "unknown field";
        QTest::newRow("nullable not bool") << "bad_nullable.json" << "columns[0].nullable" << "must be true or false, not a string";
        QTest::newRow("duplicate name") << "bad_duplicate_name.json" << "columns[1].name" << "column 'age' is listed twice";
        QTest::newRow("columns not array") << "bad_columns_not_array.json" << "columns" << "must be an array, not an object";
        QTest::newRow("extra flag") << "bad_extra_flag.json" << "allowExtraColumns" << "must be true or false";
    }

    void schemaFileErrors()
    {
        QFETCH(QString, file);
        QFETCH(QString, field);
        QFETCH(QString, messagePart);
        const QString path = fixture(QStringLiteral("schema/") + file);
        const Result<Schema> schema = Schema::load(path);
        QVERIFY(!schema.ok());
        QCOMPARE(schema.error().field, field);
        QCOMPARE(schema.error().file, path);
        QVERIFY2(schema.error().message.startsWith(path + QStringLiteral(": schema field '") + field + QStringLiteral("': ")),
                 qPrintable(schema.error().message));
        QVERIFY2(schema.error().message.contains(messagePart), qPrintable(schema.error().message));
    }

    void schemaSyntaxErrorHasLineAndColumn()
    {
        const QString path = fixture(QStringLiteral("schema/bad_syntax.json"));
        const Result<Schema> schema = Schema::load(path);
        QVERIFY(!schema.ok());
        QCOMPARE(schema.error().line, qint64(4));
        QVERIFY(schema.error().column > 20);
        QVERIFY2(schema.error().message.startsWith(path + QStringLiteral(":4:")), qPrintable(schema.error().message));
        QVERIFY(!Schema::load(fixture(QStringLiteral("schema/no_such_file.json"))).ok());
    }

    void schemaJsonRoundTrip()
    {
        const Result<Schema> loaded = Schema::load(fixture(QStringLiteral("schema/good.json")));
        QVERIFY(loaded.ok());
        QCOMPARE(loaded->columns.size(), std::size_t(4));
        QCOMPARE(loaded->columns[0].type, ColumnType::Integer);
        QCOMPARE(loaded->columns[0].nullable, false);
        QCOMPARE(*loaded->columns[0].max, 120.0);
        QCOMPARE(*loaded->columns[1].max, 1.0);
        QCOMPARE(loaded->columns[2].allowed, QStringList({QStringLiteral("red"), QStringLiteral("green"), QStringLiteral("blue")}));
        QCOMPARE(loaded->allowExtraColumns, false);
        const Result<Schema> again = Schema::fromJson(loaded->toJson());
        QVERIFY(again.ok());
        QCOMPARE(again->toJson(), loaded->toJson());
    }

    void schemaFromTable()
    {
        Table t = schemaTable();
        col(t, "score").values[3] = kMissing;
        const Schema s = Schema::fromTable(t);
        QCOMPARE(s.columns.size(), std::size_t(4));
        QCOMPARE(s.columns[1].name, QStringLiteral("score"));
        QCOMPARE(s.columns[1].type, ColumnType::Float);
        QCOMPARE(s.columns[1].nullable, true);
        QCOMPARE(s.columns[0].nullable, false);
        QCOMPARE(s.columns[2].type, ColumnType::Categorical);
        ValidationOptions options;
        options.schema = s;
        QVERIFY(validateTable(t, options).findings.empty());
        col(t, "age").values[0] = kMissing;
        QCOMPARE(validateTable(t, options).findings.front().check, QStringLiteral("schema_nullable"));
    }

    void textAndJsonOutputs()
    {
        Table table = cleanTable();
        ValidationOptions options;
        options.target = QStringLiteral("y");
        mutations().at(QStringLiteral("x1 15% missing"))(table, options);
        mutations().at(QStringLiteral("constant number"))(table, options);
        mutations().at(QStringLiteral("copied target"))(table, options);
        const ValidationReport report = validateTable(table, options);
        QCOMPARE(report.count(Severity::Error), 1);
        QCOMPARE(report.count(Severity::Warning), 2);

        const QStringList lines = report.toText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);
        QVERIFY2(lines[0].startsWith(QStringLiteral("ERROR [leakage] feature 'y_copy'")), qPrintable(lines[0]));
        QVERIFY(lines[1].startsWith(QStringLiteral("WARNING [missing_values] column 'x1'")));
        QVERIFY(lines[2].startsWith(QStringLiteral("WARNING [constant] column 'k'")));
        QCOMPARE(lines[3], QStringLiteral("%1 rows x %2 columns checked: 1 error, 2 warnings").arg(kRows).arg(table.columnCount()));

        const QJsonObject json = QJsonDocument::fromJson(QJsonDocument(report.toJson()).toJson()).object();
        QCOMPARE(json.value(QStringLiteral("rows")).toInt(), kRows);
        QCOMPARE(json.value(QStringLiteral("columns")).toInt(), 7);
        QCOMPARE(json.value(QStringLiteral("errors")).toInt(), 1);
        QCOMPARE(json.value(QStringLiteral("warnings")).toInt(), 2);
        const QJsonArray findings = json.value(QStringLiteral("findings")).toArray();
        QCOMPARE(findings.size(), 3);
        QJsonObject leak;
        for (const QJsonValue &v : findings)
            if (v.toObject().value(QStringLiteral("check")).toString() == QLatin1String("leakage"))
                leak = v.toObject();
        QCOMPARE(leak.value(QStringLiteral("severity")).toString(), QStringLiteral("error"));
        QCOMPARE(leak.value(QStringLiteral("column")).toString(), QStringLiteral("y_copy"));
        QVERIFY(leak.value(QStringLiteral("message")).toString().contains(QStringLiteral("alone predicts target 'y'")));
        QCOMPARE(leak.value(QStringLiteral("details")).toObject().value(QStringLiteral("score")).toDouble(), 1.0);
    }

    void emptyTable()
    {
        const ValidationReport none = validateTable(Table(), ValidationOptions());
        QVERIFY(none.hasErrors());
        QCOMPARE(none.findings.front().message, QStringLiteral("the table has no columns"));
        Table noRows;
        noRows.columns.push_back(numericColumn(QStringLiteral("x"), {}));
        QCOMPARE(validateTable(noRows, ValidationOptions()).findings.front().message, QStringLiteral("the table has no rows"));
    }
};

QTEST_GUILESS_MAIN(TestValidation)
#include "tst_validation.moc"
