#include "ui/curves/chart_export.h"

#include "ui/common/qcustomplot_include.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QSvgGenerator>

#include <cmath>

namespace mb {

namespace {

QString csvField(const QString &text)
{
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString number(double v)
{
    return std::isnan(v) ? QString() : QString::number(v, 'g', 17);
}

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

QString curvesCsv(const std::vector<DrawnCurve> &curves, bool groups, double xFrom, double xTo)
{
    QString out = groups ? QStringLiteral("group,x,mean,lo,hi,runs\n") : QStringLiteral("run,name,step,min,max,last,count,x\n");
    for (const DrawnCurve &c : curves) {
        for (qsizetype i = 0; i < c.x.size(); ++i) {
            const double x = c.x[i];
            if (!(x >= xFrom && x <= xTo))
                continue;
            QStringList row;
            if (groups) {
                row << csvField(c.label) << number(x) << number(c.value.value(i)) << number(c.lo.value(i))
                    << number(c.hi.value(i)) << QString::number(c.groupRuns.value(i));
            } else {
                row << c.runIds.value(0) << csvField(c.label) << QString::number(c.steps.value(i)) << number(c.lo.value(i))
                    << number(c.hi.value(i)) << number(c.value.value(i)) << QString::number(c.counts.value(i)) << number(x);
            }
            out += row.join(QLatin1Char(',')) + QLatin1Char('\n');
        }
    }
    return out;
}

bool exportChart(QCustomPlot *plot, const std::vector<DrawnCurve> &curves, const QString &groupBy, const QString &path,
                 QString *error)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    plot->replot(QCustomPlot::rpQueuedRefresh); // a chart out of view may not have drawn its latest data
    const int w = std::max(plot->width(), 200);
    const int h = std::max(plot->height(), 150);
    if (suffix == QLatin1String("csv")) {
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
            return fail(error, QStringLiteral("cannot write the chart's points to '%1': %2").arg(path, file.errorString()));
        const QCPRange x = plot->xAxis->range();
        file.write(curvesCsv(curves, !groupBy.isEmpty(), x.lower, x.upper).toUtf8());
        if (!file.commit())
            return fail(error, QStringLiteral("cannot write the chart's points to '%1': %2").arg(path, file.errorString()));
        return true;
    }
    if (suffix == QLatin1String("png")) {
        if (!plot->savePng(path, w, h))
            return fail(error, QStringLiteral("cannot write the chart image '%1': the folder is missing or not writable").arg(path));
        return true;
    }
    if (suffix == QLatin1String("pdf")) {
        if (!plot->savePdf(path, w, h))
            return fail(error, QStringLiteral("cannot write the chart PDF '%1': the folder is missing or not writable").arg(path));
        return true;
    }
    if (suffix == QLatin1String("svg")) {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            return fail(error, QStringLiteral("cannot write the chart drawing '%1': %2").arg(path, file.errorString()));
        QSvgGenerator svg;
        svg.setOutputDevice(&file);
        svg.setSize(QSize(w, h));
        svg.setViewBox(QRect(0, 0, w, h));
        QCPPainter painter;
        if (!painter.begin(&svg))
            return fail(error, QStringLiteral("cannot write the chart drawing '%1': the SVG painter did not start").arg(path));
        plot->toPainter(&painter, w, h);
        painter.end();
        return true;
    }
    return fail(error, QStringLiteral("cannot export the chart to '%1': unknown format '.%2'; use .png, .svg, .pdf or .csv")
                           .arg(path, suffix));
}

} // namespace mb
