#include "core/pipeline/evaluation_artifacts.h"

#include "core/ml/metrics.h"

#include <QBuffer>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPainter>

#include <algorithm>

namespace mb {

Result<std::vector<double>> predictRows(const ModelValue &model, const std::vector<std::size_t> &rows)
{
    const Table subset = model.split->data->table->selectRows(rows);
    Result<DenseMatrix> x = model.preprocessor->transform(subset);
    if (!x.ok())
        return x.error();
    return model.model->predict(x.value());
}

QJsonObject scoreTask(TaskType task, const QStringList &classLabels, const std::vector<float> &yTrue,
                      const std::vector<double> &predictions)
{
    if (task == TaskType::Regression) {
        const std::vector<double> truth(yTrue.begin(), yTrue.end());
        return metrics::regressionMetrics(truth, predictions);
    }
    std::vector<int> labels;
    labels.reserve(yTrue.size());
    for (float v : yTrue)
        labels.push_back(static_cast<int>(v));
    return metrics::classificationMetrics(labels, predictions, classLabels.size(), classLabels);
}

namespace {

QByteArray toJsonBytes(const QJsonValue &v)
{
    return v.isArray() ? QJsonDocument(v.toArray()).toJson(QJsonDocument::Indented)
                       : QJsonDocument(v.toObject()).toJson(QJsonDocument::Indented);
}

QJsonObject curveJson(const metrics::Curve &c, const QString &xName, const QString &yName)
{
    QJsonArray xs, ys, ts;
    for (double v : c.x) xs.append(v);
    for (double v : c.y) ys.append(v);
    for (double v : c.thresholds) ts.append(std::isfinite(v) ? QJsonValue(v) : QJsonValue(QStringLiteral("inf")));
    return QJsonObject{{xName, xs}, {yName, ys}, {QStringLiteral("thresholds"), ts}};
}

} // namespace

Result<QJsonObject> evaluateOnRows(NodeContext &ctx, const ModelValue &model, const std::vector<std::size_t> &rows)
{
    Result<std::vector<double>> predictions = predictRows(model, rows);
    if (!predictions.ok())
        return predictions.error();
    const TableValue &data = *model.split->data;
    std::vector<float> truth;
    truth.reserve(rows.size());
    for (std::size_t r : rows)
        truth.push_back(data.y[r]);
    const QJsonObject scores = scoreTask(data.task, data.classLabels, truth, predictions.value());

    // Per-row predictions: what the evaluation view and error analysis start from.
    const int width = model.model->outputWidth();
    QByteArray csv = "row,true,predicted";
    if (data.task == TaskType::BinaryClassification)
        csv += ",probability";
    else if (data.task == TaskType::MulticlassClassification)
        for (const QString &label : data.classLabels)
            csv += ",proba_" + label.toUtf8();
    csv += '\n';
    std::vector<int> truthClasses, predictedClasses;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const double *p = predictions->data() + i * static_cast<std::size_t>(width);
        csv += QByteArray::number(static_cast<qulonglong>(rows[i] + 1));
        if (data.task == TaskType::Regression) {
            csv += ',' + QByteArray::number(truth[i], 'g', 9) + ',' + QByteArray::number(p[0], 'g', 17);
        } else {
            int cls = 0;
            if (data.task == TaskType::BinaryClassification)
                cls = p[0] >= 0.5 ? 1 : 0;
            else
                cls = static_cast<int>(std::max_element(p, p + width) - p);
            truthClasses.push_back(static_cast<int>(truth[i]));
            predictedClasses.push_back(cls);
            csv += ',' + data.classLabels.value(static_cast<int>(truth[i])).toUtf8() + ',' + data.classLabels.value(cls).toUtf8();
            for (int k = 0; k < width; ++k)
                csv += ',' + QByteArray::number(p[k], 'g', 17);
        }
        csv += '\n';
    }
    if (Result<QString> w = ctx.writeArtifact(QStringLiteral("test_predictions.csv"), csv); !w.ok())
        return w.error();
    if (Result<QString> w = ctx.writeArtifact(QStringLiteral("metrics.json"), toJsonBytes(scores)); !w.ok())
        return w.error();

    if (data.task == TaskType::Regression) {
        QJsonArray residuals;
        for (std::size_t i = 0; i < rows.size(); ++i)
            residuals.append(QJsonArray{truth[i], predictions.value()[i], predictions.value()[i] - truth[i]});
        const QJsonObject doc{{QStringLiteral("columns"), QJsonArray{QStringLiteral("true"), QStringLiteral("predicted"), QStringLiteral("residual")}},
                              {QStringLiteral("rows"), residuals}};
        if (Result<QString> w = ctx.writeArtifact(QStringLiteral("residuals.json"), toJsonBytes(doc)); !w.ok())
            return w.error();
        return scores;
    }

    const int k = data.classLabels.size();
    const auto matrix = metrics::confusionMatrix(truthClasses, predictedClasses, k);
    QJsonArray matrixJson;
    for (const auto &row : matrix) {
        QJsonArray r;
        for (qint64 v : row)
            r.append(v);
        matrixJson.append(r);
    }
    const QJsonObject cm{{QStringLiteral("labels"), QJsonArray::fromStringList(data.classLabels)}, {QStringLiteral("matrix"), matrixJson}};
    if (Result<QString> w = ctx.writeArtifact(QStringLiteral("confusion_matrix.json"), toJsonBytes(cm)); !w.ok())
        return w.error();
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    renderConfusionMatrix(matrix, data.classLabels).save(&buffer, "PNG");
    if (Result<QString> w = ctx.writeArtifact(QStringLiteral("confusion_matrix.png"), png); !w.ok())
        return w.error();

    if (data.task == TaskType::BinaryClassification) {
        const metrics::Curve roc = metrics::rocCurve(truthClasses, predictions.value());
        const metrics::Curve pr = metrics::precisionRecallCurve(truthClasses, predictions.value());
        if (Result<QString> w = ctx.writeArtifact(QStringLiteral("roc_curve.json"), toJsonBytes(curveJson(roc, QStringLiteral("fpr"), QStringLiteral("tpr")))); !w.ok())
            return w.error();
        if (Result<QString> w = ctx.writeArtifact(QStringLiteral("pr_curve.json"), toJsonBytes(curveJson(pr, QStringLiteral("recall"), QStringLiteral("precision")))); !w.ok())
            return w.error();
    }
    return scores;
}

QImage renderConfusionMatrix(const std::vector<std::vector<qint64>> &matrix, const QStringList &labels)
{
    const int k = static_cast<int>(matrix.size());
    const int cell = std::clamp(480 / std::max(k, 1), 28, 120);
    const int left = 140, top = 70, right = 30, bottom = 40;
    QImage image(left + k * cell + right, top + k * cell + bottom, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    qint64 maxValue = 1;
    for (const auto &row : matrix)
        for (qint64 v : row)
            maxValue = std::max(maxValue, v);
    const bool text = qobject_cast<QGuiApplication *>(QCoreApplication::instance()) != nullptr;
    for (int t = 0; t < k; ++t) {
        qint64 rowTotal = 0;
        for (qint64 v : matrix[t])
            rowTotal += v;
        for (int c = 0; c < k; ++c) {
            const qint64 v = matrix[t][c];
            const double shade = static_cast<double>(v) / static_cast<double>(maxValue);
            // White to a saturated blue; text switches to white on dark cells.
            const QColor color = QColor::fromRgbF(1.0 - 0.85 * shade, 1.0 - 0.6 * shade, 1.0 - 0.2 * shade);
            const QRect r(left + c * cell, top + t * cell, cell, cell);
            p.fillRect(r, color);
            p.setPen(QColor(200, 200, 200));
            p.drawRect(r);
            if (text) {
                p.setPen(shade > 0.55 ? Qt::white : Qt::black);
                const QString pct = rowTotal > 0 ? QStringLiteral("\n%1%").arg(100.0 * static_cast<double>(v) / static_cast<double>(rowTotal), 0, 'f', 1) : QString();
                p.drawText(r, Qt::AlignCenter, QString::number(v) + (cell >= 60 ? pct : QString()));
            }
        }
    }
    if (text) {
        p.setPen(Qt::black);
        QFont bold = p.font();
        bold.setBold(true);
        for (int i = 0; i < k; ++i) {
            const QString label = labels.value(i);
            p.drawText(QRect(0, top + i * cell, left - 8, cell), Qt::AlignRight | Qt::AlignVCenter, label);
            p.drawText(QRect(left + i * cell, top - 24, cell, 22), Qt::AlignCenter, label);
        }
        p.setFont(bold);
        p.drawText(QRect(left, 8, k * cell, 22), Qt::AlignCenter, QStringLiteral("Predicted class"));
        p.drawText(QRect(0, top - 24, left - 8, 22), Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("True class"));
    }
    return image;
}

} // namespace mb
