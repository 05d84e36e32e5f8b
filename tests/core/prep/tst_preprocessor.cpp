#include "core/prep/preprocessor.h"
#include "prep_test_tables.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

using namespace mb;
using namespace mb::test;

namespace {

const double NaN = kMissing;

QString fixture(const QString &name)
{
    return QStringLiteral(MB_TEST_DATA_DIR "/prep/preprocessor/") + name;
}

Table oneColumn(const std::vector<double> &values)
{
    Table t;
    t.columns.push_back(numericColumn(QStringLiteral("x"), values));
    return t;
}

Table colors(const QStringList &cells)
{
    Table t;
    t.columns.push_back(categoricalColumn(QStringLiteral("color"), cells));
    return t;
}

// The matrix's column `c` as doubles, for comparisons.
std::vector<double> columnOf(const DenseMatrix &m, std::size_t c)
{
    std::vector<double> out;
    for (std::size_t r = 0; r < m.rows; ++r)
        out.push_back(m.at(r, c));
    return out;
}

bool sameBits(const DenseMatrix &a, const DenseMatrix &b)
{
    return a.rows == b.rows && a.cols == b.cols && a.columnNames == b.columnNames
        && std::memcmp(a.data.data(), b.data.data(), a.data.size() * sizeof(float)) == 0;
}

// Close to `want` as a float result can be; NaN only matches NaN.
bool near(double got, double want)
{
    if (std::isnan(want))
        return std::isnan(got);
    return std::fabs(got - want) <= 1e-6 * std::max(1.0, std::fabs(want));
}

QString show(const std::vector<double> &v)
{
    QStringList parts;
    for (double d : v)
        parts << QString::number(d, 'g', 9);
    return parts.join(QStringLiteral(", "));
}

// A mixed table: a numeric, a boolean and a categorical feature, plus a target.
Table mixedTable()
{
    Table t;
    t.columns.push_back(numericColumn(QStringLiteral("age"), {23, 35.5, NaN, 41, 19, 62, 35.5, 0.1}));
    t.columns.push_back(numericColumn(QStringLiteral("member"), {1, 0, 1, NaN, 1, 0, 0, 1}, ColumnType::Boolean));
    t.columns.push_back(categoricalColumn(QStringLiteral("color"),
                                          {QStringLiteral("red"), QStringLiteral("blue"), QString(), QStringLiteral("green"),
                                           QStringLiteral("red"), QStringLiteral("blue"), QStringLiteral("red"),
                                           QStringLiteral("green")}));
    t.columns.push_back(numericColumn(QStringLiteral("y"), {0, 1, 0, 1, 0, 1, 1, 0}));
    return t;
}

const QStringList kFeatures = {QStringLiteral("age"), QStringLiteral("member"), QStringLiteral("color")};

} // namespace

class TestPreprocessor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void numericImpute_data()
    {
        QTest::addColumn<QString>("strategy");
        QTest::addColumn<double>("fill");
        // Train [5, 1, 2, 2, NaN, 5, 9]: mean 24/6, median of an even count (2 + 5) / 2,
        // most frequent: 2 and 5 tie and the smaller wins.
        QTest::newRow("mean") << "mean" << 4.0;
        QTest::newRow("median") << "median" << 3.5;
        QTest::newRow("most_frequent") << "most_frequent" << 2.0;
        QTest::newRow("constant") << "constant" << -1.0;
        QTest::newRow("none") << "none" << NaN;
    }

    void numericImpute()
    {
        QFETCH(QString, strategy);
        QFETCH(double, fill);
        PreprocessSpec spec;
        spec.numericImpute = strategy;
        spec.imputeConstant = -1;
        const Result<Preprocessor> p = Preprocessor::fit(oneColumn({5, 1, 2, 2, NaN, 5, 9}), {QStringLiteral("x")}, spec);
        QVERIFY2(p.ok(), qPrintable(p.error().message));
        const Result<DenseMatrix> m = p->transform(oneColumn({NaN, 100, 2.25}));
        QVERIFY(m.ok());
        const std::vector<double> got = columnOf(*m, 0);
        QVERIFY2(near(got[0], fill), qPrintable(show(got)));
        QCOMPARE(got[1], 100.0);
        QCOMPARE(got[2], 2.25);
    }

    void fitUsesTrainingRowsOnly()
    {
        // Rows 0-3 train, rows 4-5 test: the test rows' huge values must not move the fit.
        Table full;
        full.columns.push_back(numericColumn(QStringLiteral("x"), {1, 2, NaN, 6, 1000, 2000}));
        full.columns.push_back(categoricalColumn(QStringLiteral("c"),
                                                 {QStringLiteral("a"), QStringLiteral("a"), QStringLiteral("b"),
                                                  QString(), QStringLiteral("z"), QStringLiteral("z")}));
        const Table train = full.selectRows({0, 1, 2, 3});
        const Table test = full.selectRows({4, 5, 2, 3});
        PreprocessSpec spec;
        spec.numericImpute = QStringLiteral("mean");
        spec.scaling = QStringLiteral("standard");
        const Result<Preprocessor> p = Preprocessor::fit(train, {QStringLiteral("x"), QStringLiteral("c")}, spec);
        QVERIFY(p.ok());
        // Train x imputed: [1, 2, 3, 6] -> mean 3, population std sqrt(3.5).
        const Preprocessor::ColumnStep &x = p->steps()[0];
        QCOMPARE(*x.numericFill, 3.0);
        QCOMPARE(x.mean, 3.0);
        QCOMPARE(x.stddev, std::sqrt(3.5));
        // "z" occurs only in test rows although the split table still lists it.
        QCOMPARE(p->steps()[1].categories, QStringList({QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(p->outputNames(), QStringList({QStringLiteral("x"), QStringLiteral("c=a"), QStringLiteral("c=b")}));
        const Result<DenseMatrix> m = p->transform(test);
        QVERIFY(m.ok());
        QVERIFY(near(m->at(0, 0), (1000 - 3) / std::sqrt(3.5)));
        QVERIFY(near(m->at(2, 0), (0 - 0) / std::sqrt(3.5))); // NaN -> mean -> 0
        QCOMPARE(m->at(0, 1), 0.0f); // unseen "z"
        QCOMPARE(m->at(0, 2), 0.0f);
        QCOMPARE(m->at(2, 2), 1.0f); // "b"
        QCOMPARE(m->at(3, 1), 1.0f); // missing -> most frequent "a"
    }

    void scaling_data()
    {
        QTest::addColumn<QString>("impute");
        QTest::addColumn<QString>("scaling");
        QTest::addColumn<std::vector<double>>("expected");
        // scikit-learn 1.2: make_pipeline(SimpleImputer(strategy), StandardScaler()/MinMaxScaler())
        // fitted on [0.5, 1.7, 2.9, 10.25, NaN, -3.1], applied to [NaN, 4.0, -20.5], as float32;
        // "none": StandardScaler alone, which leaves NaN out of its statistics.
        QTest::newRow("median standard") << "median" << "standard"
                                         << std::vector<double>{-0.15570054948329926, 0.417277455329895, -5.686183929443359};
        QTest::newRow("mean standard") << "mean" << "standard"
                                       << std::vector<double>{0.0, 0.38707685470581055, -5.731235027313232};
        QTest::newRow("most_frequent standard") << "most_frequent" << "standard"
                                                << std::vector<double>{-1.026179552078247, 0.5491447448730469, -4.886833667755127};
        QTest::newRow("median minmax") << "median" << "minmax"
                                       << std::vector<double>{0.3595505654811859, 0.5318351984024048, -1.3033708333969116};
        QTest::newRow("mean minmax") << "mean" << "minmax"
                                     << std::vector<double>{0.4157303273677826, 0.5318351984024048, -1.3033708333969116};
        QTest::newRow("none standard") << "none" << "standard"
                                       << std::vector<double>{NaN, 0.3533512055873871, -5.23187780380249};
        QTest::newRow("median none") << "median" << "none" << std::vector<double>{1.7, 4.0, -20.5};
    }

    void scaling()
    {
        QFETCH(QString, impute);
        QFETCH(QString, scaling);
        QFETCH(std::vector<double>, expected);
        PreprocessSpec spec;
        spec.numericImpute = impute;
        spec.scaling = scaling;
        const Result<Preprocessor> p = Preprocessor::fit(oneColumn({0.5, 1.7, 2.9, 10.25, NaN, -3.1}), {QStringLiteral("x")}, spec);
        QVERIFY(p.ok());
        const Result<DenseMatrix> m = p->transform(oneColumn({NaN, 4.0, -20.5}));
        QVERIFY(m.ok());
        const std::vector<double> got = columnOf(*m, 0);
        for (std::size_t i = 0; i < expected.size(); ++i)
            QVERIFY2(near(got[i], expected[i]), qPrintable(show(got) + QStringLiteral(" vs ") + show(expected)));
    }

    void constantColumnScalesByOne()
    {
        for (const char *how : {"standard", "minmax"}) {
            PreprocessSpec spec;
            spec.scaling = QString::fromLatin1(how);
            const Result<Preprocessor> p = Preprocessor::fit(oneColumn({3, 3, 3}), {QStringLiteral("x")}, spec);
            QVERIFY(p.ok());
            const Result<DenseMatrix> m = p->transform(oneColumn({5, 3}));
            QCOMPARE(m->at(0, 0), 2.0f);
            QCOMPARE(m->at(1, 0), 0.0f);
        }
    }

    void categorical_data()
    {
        QTest::addColumn<QString>("impute");
        QTest::addColumn<QString>("encoding");
        QTest::addColumn<int>("maxOneHot");
        QTest::addColumn<QStringList>("outputs");
        QTest::addColumn<std::vector<double>>("expected"); // row-major, test rows: blue, purple, missing, red
        // Train: red, blue, red, missing, green -> sorted categories blue, green, red; most frequent red.
        QTest::newRow("onehot most_frequent")
            << "most_frequent" << "onehot" << 50 << QStringList{"color=blue", "color=green", "color=red"}
            << std::vector<double>{1, 0, 0, /**/ 0, 0, 0, /**/ 0, 0, 1, /**/ 0, 0, 1};
        QTest::newRow("onehot constant")
            << "constant" << "onehot" << 50 << QStringList{"color=blue", "color=green", "color=missing", "color=red"}
            << std::vector<double>{1, 0, 0, 0, /**/ 0, 0, 0, 0, /**/ 0, 0, 1, 0, /**/ 0, 0, 0, 1};
        QTest::newRow("onehot none")
            << "none" << "onehot" << 50 << QStringList{"color=blue", "color=green", "color=red"}
            << std::vector<double>{1, 0, 0, /**/ 0, 0, 0, /**/ NaN, NaN, NaN, /**/ 0, 0, 1};
        QTest::newRow("ordinal most_frequent")
            << "most_frequent" << "ordinal" << 50 << QStringList{"color"} << std::vector<double>{0, NaN, 2, 2};
        QTest::newRow("too many for onehot")
            << "none" << "onehot" << 2 << QStringList{"color"} << std::vector<double>{0, NaN, NaN, 2};
    }

    void categorical()
    {
        QFETCH(QString, impute);
        QFETCH(QString, encoding);
        QFETCH(int, maxOneHot);
        QFETCH(QStringList, outputs);
        QFETCH(std::vector<double>, expected);
        PreprocessSpec spec;
        spec.categoricalImpute = impute;
        spec.encoding = encoding;
        spec.maxOneHotCategories = maxOneHot;
        const Table train = colors({QStringLiteral("red"), QStringLiteral("blue"), QStringLiteral("red"), QString(),
                                    QStringLiteral("green")});
        const Result<Preprocessor> p = Preprocessor::fit(train, {QStringLiteral("color")}, spec);
        QVERIFY(p.ok());
        QCOMPARE(p->outputNames(), outputs);
        // Read separately: its own category numbering (purple first), which must not matter.
        const Table test = colors({QStringLiteral("blue"), QStringLiteral("purple"), QString(), QStringLiteral("red")});
        const Result<DenseMatrix> m = p->transform(test);
        QVERIFY(m.ok());
        QCOMPARE(m->rows, std::size_t(4));
        QCOMPARE(m->cols, std::size_t(outputs.size()));
        QCOMPARE(m->columnNames, outputs);
        std::vector<double> got(m->data.begin(), m->data.end());
        QCOMPARE(got.size(), expected.size());
        for (std::size_t i = 0; i < got.size(); ++i)
            QVERIFY2(near(got[i], expected[i]), qPrintable(show(got)));
    }

    void mostFrequentCategoryTieTakesSmallest()
    {
        const Table train = colors({QStringLiteral("b"), QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("a"), QString()});
        const Result<Preprocessor> p = Preprocessor::fit(train, {QStringLiteral("color")}, PreprocessSpec());
        QVERIFY(p.ok());
        QCOMPARE(p->steps()[0].categoryFill, QStringLiteral("a"));
    }

    void columnOrderAndSeparateReading()
    {
        const Table train = mixedTable();
        PreprocessSpec spec;
        spec.scaling = QStringLiteral("standard");
        const Result<Preprocessor> p = Preprocessor::fit(train, kFeatures, spec);
        QVERIFY(p.ok());
        const Result<DenseMatrix> expected = p->transform(train);
        QVERIFY(expected.ok());
        QCOMPARE(expected->columnNames, QStringList({"age", "member", "color=blue", "color=green", "color=red"}));

        // The same rows with the columns reversed and the categories numbered differently.
        Table reordered;
        for (auto it = train.columns.rbegin(); it != train.columns.rend(); ++it)
            reordered.columns.push_back(*it);
        Column &color = reordered.columns[std::size_t(reordered.indexOf(QStringLiteral("color")))];
        QStringList cells;
        for (std::size_t r = 0; r < color.size(); ++r)
            cells << color.textAt(r);
        color = categoricalColumn(QStringLiteral("color"), QStringList{QStringLiteral("green")} + cells);
        color.values.erase(color.values.begin());
        QCOMPARE(color.categories.first(), QStringLiteral("green"));
        const Result<DenseMatrix> got = p->transform(reordered);
        QVERIFY(got.ok());
        QVERIFY(sameBits(*expected, *got));
    }

    void numbersReadAsText()
    {
        const Result<Preprocessor> p = Preprocessor::fit(mixedTable(), kFeatures, PreprocessSpec());
        QVERIFY(p.ok());
        Table t = mixedTable().selectRows({0, 1});
        // Read without a schema, age and member came out as text.
        t.columns[0] = categoricalColumn(QStringLiteral("age"), {QStringLiteral("23"), QStringLiteral(" 7.5")});
        t.columns[1] = categoricalColumn(QStringLiteral("member"), {QStringLiteral("true"), QStringLiteral("0")});
        const Result<DenseMatrix> m = p->transform(t);
        QVERIFY2(m.ok(), qPrintable(m.error().message));
        QCOMPARE(m->at(0, 0), 23.0f);
        QCOMPARE(m->at(1, 0), 7.5f);
        QCOMPARE(m->at(0, 1), 1.0f);
        QCOMPARE(m->at(1, 1), 0.0f);

        t.columns[0] = categoricalColumn(QStringLiteral("age"), {QStringLiteral("23"), QStringLiteral("abc")});
        const Result<DenseMatrix> bad = p->transform(t);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().field, QStringLiteral("age"));
        QVERIFY2(bad.error().message.contains(QStringLiteral("column 'age' should be float but row 2 has 'abc'")),
                 qPrintable(bad.error().message));
    }

    void categoriesReadAsNumbers()
    {
        // Zip codes fitted as text but read back as integers.
        const Table train = colors({QStringLiteral("75001"), QStringLiteral("10115"), QStringLiteral("75001")});
        const Result<Preprocessor> p = Preprocessor::fit(train, {QStringLiteral("color")}, PreprocessSpec());
        QVERIFY(p.ok());
        Table test;
        test.columns.push_back(numericColumn(QStringLiteral("color"), {10115, 99999, NaN}, ColumnType::Integer));
        const Result<DenseMatrix> m = p->transform(test);
        QVERIFY(m.ok());
        const std::vector<double> got(m->data.begin(), m->data.end());
        QCOMPARE(got, (std::vector<double>{1, 0, /**/ 0, 0, /**/ 0, 1}));
    }

    void missingColumnIsNamed()
    {
        const Result<Preprocessor> p = Preprocessor::fit(mixedTable(), kFeatures, PreprocessSpec());
        QVERIFY(p.ok());
        Table t = mixedTable();
        t.columns.erase(t.columns.begin() + 1);
        const Result<DenseMatrix> m = p->transform(t);
        QVERIFY(!m.ok());
        QCOMPARE(m.error().field, QStringLiteral("member"));
        QVERIFY2(m.error().message.startsWith(QStringLiteral("column 'member' is missing from the data; the preprocessor "
                                                             "needs: age, member, color")),
                 qPrintable(m.error().message));
    }

    void fitErrors()
    {
        const Table t = mixedTable();
        Result<Preprocessor> p = Preprocessor::fit(t, {QStringLiteral("age"), QStringLiteral("weight")}, PreprocessSpec());
        QVERIFY(!p.ok());
        QCOMPARE(p.error().field, QStringLiteral("weight"));
        QVERIFY(p.error().message.contains(QStringLiteral("feature column 'weight' is not in the training table")));

        p = Preprocessor::fit(t, {QStringLiteral("age"), QStringLiteral("age")}, PreprocessSpec());
        QVERIFY(!p.ok());
        QVERIFY(p.error().message.contains(QStringLiteral("listed twice")));

        p = Preprocessor::fit(oneColumn({NaN, NaN}), {QStringLiteral("x")}, PreprocessSpec());
        QVERIFY(!p.ok());
        QCOMPARE(p.error().field, QStringLiteral("x"));
        QVERIFY(p.error().message.contains(QStringLiteral("column 'x' has no values in the training rows, so its median")));

        PreprocessSpec bad;
        bad.scaling = QStringLiteral("robust");
        p = Preprocessor::fit(t, kFeatures, bad);
        QVERIFY(!p.ok());
        QCOMPARE(p.error().field, QStringLiteral("scaling"));
    }

    void roundTripIsBitIdentical()
    {
        // Values whose decimal forms are long, so a lossy number format would show.
        Table train = mixedTable();
        train.columns[0].values = {0.1, 1.0 / 3.0, NaN, 2.0 / 7.0, 1e-9, 123456.789, 0.1, 3.14159};
        const Table test = mixedTable();
        for (const char *scaling : {"standard", "minmax", "none"}) {
            PreprocessSpec spec;
            spec.scaling = QString::fromLatin1(scaling);
            spec.numericImpute = QStringLiteral("mean");
            const Result<Preprocessor> p = Preprocessor::fit(train, kFeatures, spec);
            QVERIFY(p.ok());
            const Result<DenseMatrix> before = p->transform(test);
            QVERIFY(before.ok());

            const QByteArray text = QJsonDocument(p->toJson()).toJson();
            const Result<Preprocessor> back = Preprocessor::fromJson(QJsonDocument::fromJson(text).object());
            QVERIFY2(back.ok(), qPrintable(back.error().message));
            QVERIFY(sameBits(*before, *back->transform(test)));
            QCOMPARE(back->toJson(), p->toJson());
            QCOMPARE(back->spec().scaling, spec.scaling);

            QTemporaryDir dir;
            const QString path = dir.filePath(QStringLiteral("prep.json"));
            QVERIFY(p->save(path).ok());
            const Result<Preprocessor> loaded = Preprocessor::load(path);
            QVERIFY2(loaded.ok(), qPrintable(loaded.error().message));
            QVERIFY(sameBits(*before, *loaded->transform(test)));
        }
    }

    void schemaAndNames()
    {
        const Result<Preprocessor> p = Preprocessor::fit(mixedTable(), kFeatures, PreprocessSpec());
        QVERIFY(p.ok());
        QCOMPARE(p->inputColumns(), kFeatures);
        const QJsonObject schema = p->inputSchema();
        QCOMPARE(schema.size(), 3);
        QCOMPARE(schema.value(QStringLiteral("age")).toString(), QStringLiteral("float"));
        QCOMPARE(schema.value(QStringLiteral("member")).toString(), QStringLiteral("boolean"));
        QCOMPARE(schema.value(QStringLiteral("color")).toString(), QStringLiteral("categorical"));
    }

    void loadHandWrittenFile()
    {
        const Result<Preprocessor> p = Preprocessor::load(fixture(QStringLiteral("good.json")));
        QVERIFY2(p.ok(), qPrintable(p.error().message));
        Table t;
        t.columns.push_back(categoricalColumn(QStringLiteral("color"), {QStringLiteral("red"), QString()}));
        t.columns.push_back(numericColumn(QStringLiteral("age"), {7, NaN}));
        const Result<DenseMatrix> m = p->transform(t);
        QVERIFY(m.ok());
        const std::vector<double> got(m->data.begin(), m->data.end());
        // age: (7 - 4) / 2 and the fill (3.5 - 4) / 2; color: red, and missing -> red.
        QCOMPARE(got, (std::vector<double>{1.5, 0, 1, /**/ -0.25, 0, 1}));
    }

    void fileErrors_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("negative std") << "bad_std_negative.json" << "columns[0].scaling.std" << "must not be negative";
        QTest::newRow("missing std") << "bad_std_missing.json" << "columns[0].scaling.std" << "a finite number is required";
        QTest::newRow("scaling method") << "bad_scaling_method.json" << "columns[0].scaling.method" << "none, standard or minmax";
        QTest::newRow("text fill") << "bad_fill_text.json" << "columns[0].fill" << "must be a finite number or null, not a string";
        QTest::newRow("categories") << "bad_categories_not_array.json" << "columns[1].categories" << "an array of strings is required";
        QTest::newRow("duplicate category") << "bad_category_duplicate.json" << "columns[1].categories[1]" << "category 'blue' is listed twice";
        QTest::newRow("encoding") << "bad_encoding.json" << "columns[1].encoding" << "must be 'onehot' or 'ordinal'";
        QTest::newRow("type") << "bad_type.json" << "columns[1].type" << "must be one of integer";
        QTest::newRow("format") << "bad_format.json" << "format" << "this is not a saved preprocessor";
        QTest::newRow("version") << "bad_version.json" << "version" << "version 7 is not supported";
        QTest::newRow("spec") << "bad_spec_scaling.json" << "spec.scaling" << "'robust' is not one of: none, standard, minmax";
        QTest::newRow("duplicate column") << "bad_duplicate_column.json" << "columns[2].name" << "column 'age' is listed twice";
    }

    void fileErrors()
    {
        QFETCH(QString, file);
        QFETCH(QString, field);
        QFETCH(QString, messagePart);
        const QString path = fixture(file);
        const Result<Preprocessor> p = Preprocessor::load(path);
        QVERIFY(!p.ok());
        QCOMPARE(p.error().field, field);
        QCOMPARE(p.error().file, path);
        QVERIFY2(p.error().message.startsWith(path + QStringLiteral(": preprocessor field '") + field + QStringLiteral("': ")),
                 qPrintable(p.error().message));
        QVERIFY2(p.error().message.contains(messagePart), qPrintable(p.error().message));
    }

    void specJson()
    {
        PreprocessSpec spec;
        spec.numericImpute = QStringLiteral("constant");
        spec.imputeConstant = -2.5;
        spec.scaling = QStringLiteral("minmax");
        spec.maxOneHotCategories = 7;
        const Result<PreprocessSpec> back = PreprocessSpec::fromJson(spec.toJson());
        QVERIFY(back.ok());
        QCOMPARE(back->toJson(), spec.toJson());

        Result<PreprocessSpec> bad = PreprocessSpec::fromJson(QJsonObject{{QStringLiteral("scale"), QStringLiteral("standard")}});
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().field, QStringLiteral("scale"));
        QVERIFY(bad.error().message.contains(QStringLiteral("unknown field")));
        bad = PreprocessSpec::fromJson(QJsonObject{{QStringLiteral("maxOneHotCategories"), 2.5}});
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().field, QStringLiteral("maxOneHotCategories"));
        bad = PreprocessSpec::fromJson(QJsonObject{{QStringLiteral("numericImpute"), QStringLiteral("knn")}});
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().message,
                 QStringLiteral("preprocess spec field 'numericImpute': 'knn' is not one of: none, mean, median, "
                                "most_frequent, constant"));
    }
};

QTEST_GUILESS_MAIN(TestPreprocessor)
#include "tst_preprocessor.moc"
