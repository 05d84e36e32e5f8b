#include "ui/data/validation_panel.h"

#include <QApplication>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace mb {

namespace {

enum FindingColumn { kSeverity, kColumn, kCheck, kMessage };

int rank(Severity s)
{
    return s == Severity::Error ? 0 : s == Severity::Warning ? 1 : 2;
}

QIcon severityIcon(Severity s)
{
    const QStyle *style = QApplication::style();
    switch (s) {
    case Severity::Error: return style->standardIcon(QStyle::SP_MessageBoxCritical);
    case Severity::Warning: return style->standardIcon(QStyle::SP_MessageBoxWarning);
    case Severity::Info: return style->standardIcon(QStyle::SP_MessageBoxInformation);
    }
    return {};
}

QString plural(int n, const QString &word)
{
    return QStringLiteral("%1 %2%3").arg(n).arg(word, n == 1 ? QString() : QStringLiteral("s"));
}

} // namespace

Result<ValidationReport> validationReportFromJson(const QJsonObject &json, const QString &fileForErrors)
{
    ValidationReport report;
    report.rows = json.value(QStringLiteral("rows")).toInteger();
    report.columns = json.value(QStringLiteral("columns")).toInteger();
    const QJsonArray list = json.value(QStringLiteral("findings")).toArray();
    for (int i = 0; i < list.size(); ++i) {
        const QString where = QStringLiteral("findings[%1]").arg(i);
        if (!list[i].isObject())
            return Error(QStringLiteral("%1: %2 is not an object").arg(fileForErrors, where)).at(fileForErrors).inField(where);
        const QJsonObject o = list[i].toObject();
        Finding f;
        const QString severity = o.value(QStringLiteral("severity")).toString();
        if (severity == QLatin1String("error"))
            f.severity = Severity::Error;
        else if (severity == QLatin1String("warning"))
            f.severity = Severity::Warning;
        else if (severity == QLatin1String("info"))
            f.severity = Severity::Info;
        else
            return Error(QStringLiteral("%1: %2.severity is '%3'; expected error, warning or info").arg(fileForErrors, where, severity))
                .at(fileForErrors)
                .inField(where + QStringLiteral(".severity"));
        f.check = o.value(QStringLiteral("check")).toString();
        f.column = o.value(QStringLiteral("column")).toString();
        f.message = o.value(QStringLiteral("message")).toString();
        f.details = o.value(QStringLiteral("details")).toObject();
        report.findings.push_back(f);
    }
    return report;
}

ValidationPanel::ValidationPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("validationFindings"));
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->setWordWrap(false);
    m_list->setHeaderLabels({tr("Severity"), tr("Column"), tr("Check"), tr("Message")});
    m_list->header()->setStretchLastSection(true);
    m_list->setToolTip(tr("Double-click a finding to show its column"));
    layout->addWidget(m_list, 1);
    m_allClear = new QLabel(this);
    m_allClear->setObjectName(QStringLiteral("validationAllClear"));
    m_allClear->setAlignment(Qt::AlignCenter);
    m_allClear->setWordWrap(true);
    m_allClear->hide();
    layout->addWidget(m_allClear, 1);
    connect(m_list, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        if (!item->text(kColumn).isEmpty())
            Q_EMIT columnActivated(item->text(kColumn));
    });
    clear();
}

void ValidationPanel::clear()
{
    m_report = ValidationReport();
    m_list->clear();
    showNote(tr("The validation report appears here once data is loaded."), false);
    m_summary->setText(tr("Validation: no data loaded."));
    m_summary->setStyleSheet(QString());
}

void ValidationPanel::setBusy(const QString &message)
{
    m_report = ValidationReport();
    m_list->clear();
    showNote(tr("Checking…"), false);
    m_summary->setText(message);
    m_summary->setStyleSheet(QString());
}

void ValidationPanel::showNote(const QString &text, bool good)
{
    m_list->hide();
    m_allClear->setText(text);
    m_allClear->setStyleSheet(good ? QStringLiteral("QLabel { color:#2e7d32; font-size:11pt; }") : QStringLiteral("QLabel { color:#777; }"));
    m_allClear->show();
}

QString ValidationPanel::summaryText() const
{
    return m_summary->text();
}

void ValidationPanel::setReport(const ValidationReport &report, const QString &source)
{
    m_report = report;
    m_list->clear();
    std::vector<const Finding *> sorted;
    for (const Finding &f : report.findings)
        sorted.push_back(&f);
    std::stable_sort(sorted.begin(), sorted.end(), [](const Finding *a, const Finding *b) { return rank(a->severity) < rank(b->severity); });
    QList<QTreeWidgetItem *> items;
    for (const Finding *f : sorted) {
        auto *item = new QTreeWidgetItem;
        item->setIcon(kSeverity, severityIcon(f->severity));
        item->setText(kSeverity, severityName(f->severity));
        item->setText(kColumn, f->column);
        item->setText(kCheck, f->check);
        item->setText(kMessage, f->message);
        QString tip = f->message.toHtmlEscaped();
        if (!f->details.isEmpty())
            tip += QStringLiteral("<pre>%1</pre>").arg(QString::fromUtf8(QJsonDocument(f->details).toJson(QJsonDocument::Indented)).toHtmlEscaped());
        item->setToolTip(kMessage, tip);
        if (f->severity == Severity::Error)
            item->setForeground(kSeverity, QColor(180, 30, 30));
        items << item;
    }
    m_list->addTopLevelItems(items);
    for (int c = kSeverity; c < kMessage; ++c)
        m_list->resizeColumnToContents(c);
    m_list->setColumnWidth(kColumn, std::min(m_list->columnWidth(kColumn), 200));

    const int errors = report.count(Severity::Error), warnings = report.count(Severity::Warning), notes = report.count(Severity::Info);
    QString summary = tr("Validation with %1: ").arg(source);
    if (report.findings.empty()) {
        summary += tr("no problems found in %1 rows × %2 columns.").arg(report.rows).arg(report.columns);
    } else {
        summary += plural(errors, tr("error")) + QStringLiteral(", ") + plural(warnings, tr("warning"));
        if (notes > 0)
            summary += QStringLiteral(", ") + plural(notes, tr("note"));
        summary += QLatin1Char('.');
    }
    m_summary->setText(summary);
    // No findings: say so where the list would be, rather than show an empty list.
    if (report.findings.empty()) {
        showNote(tr("✔ No errors or warnings in %L1 rows × %2 columns.").arg(report.rows).arg(report.columns), true);
    } else {
        m_list->show();
        m_allClear->hide();
    }
    m_summary->setStyleSheet(errors > 0 ? QStringLiteral("color:#b41e1e; font-weight:bold") : QString());
}

} // namespace mb
