#include "ui/editor/param_field.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QKeyEvent>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace mb {

namespace {

QString numberText(double v)
{
    // Whole numbers in full ("100000", not "1e+05"): they are typed back as they read.
    if (v == std::floor(v) && std::abs(v) < 1e15)
        return QString::number(static_cast<qint64>(v));
    return QString::number(v, 'g', QLocale::FloatingPointShortest);
}

/// A bound as it fits beside an editor: "100000", "0.5", "2.15e9" (the tooltip has it exactly).
QString boundText(double v)
{
    if (std::abs(v) < 1e7)
        return numberText(v);
    QString t = QString::number(v, 'g', 3);
    t.replace(QStringLiteral("e+0"), QStringLiteral("e")).replace(QStringLiteral("e+"), QStringLiteral("e"));
    return t;
}

QString valueText(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Bool: return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: return numberText(v.toDouble());
    case QJsonValue::String: return v.toString();
    case QJsonValue::Array: {
        QStringList parts;
        for (const QJsonValue &item : v.toArray())
            parts << (item.isString() ? item.toString() : QString::fromUtf8(QJsonDocument(QJsonArray{item}).toJson(QJsonDocument::Compact)));
        return parts.join(QStringLiteral(", "));
    }
    case QJsonValue::Object: return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Indented)).trimmed();
    default: return QString();
    }
}

} // namespace

QString ParamField::rangeText(const ParamSpec &spec)
{
    if (spec.kind != ParamSpec::Kind::Int && spec.kind != ParamSpec::Kind::Float)
        return QString();
    if (spec.min && spec.max)
        return QStringLiteral("%1%2, %3]").arg(spec.minExclusive ? QStringLiteral("(") : QStringLiteral("["), boundText(*spec.min), boundText(*spec.max));
    if (spec.min)
        return QStringLiteral("%1 %2").arg(spec.minExclusive ? QStringLiteral(">") : QStringLiteral("\u2265"), boundText(*spec.min));
    if (spec.max)
        return QStringLiteral("\u2264 %1").arg(boundText(*spec.max));
    return QString();
}

QString ParamField::defaultText(const ParamSpec &spec)
{
    return valueText(spec.defaultValue);
}

ParamField::ParamField(const ParamSpec &spec, QWidget *parent) : QObject(parent), m_spec(spec)
{
    QString tip = spec.help;
    const QString range = rangeText(spec);
    if (!range.isEmpty())
        tip += tr("\nAllowed: %1").arg(range);
    if (spec.required())
        tip += tr("\nRequired.");
    else if (!defaultText(spec).isEmpty())
        tip += tr("\nDefault: %1").arg(defaultText(spec));
    if (spec.kind == ParamSpec::Kind::Choice)
        tip += tr("\nChoices: %1").arg(spec.choices.join(QStringLiteral(", ")));

    m_name = new QLabel(spec.required() ? spec.name + QStringLiteral(" *") : spec.name, parent);
    m_name->setToolTip(tip);
    QWidget *extra = nullptr; // a button beside the editor
    switch (spec.kind) {
    case ParamSpec::Kind::Bool:
        m_check = new QCheckBox(parent);
        m_editor = m_check;
        connect(m_check, &QCheckBox::clicked, this, [this](bool on) {
            if (!m_updating)
                Q_EMIT edited(m_spec.name, on);
        });
        break;
    case ParamSpec::Kind::Choice:
        m_combo = new QComboBox(parent);
        m_editor = m_combo;
        if (!spec.defaultValue.isString())
            m_combo->addItem(spec.required() ? tr("(choose)") : tr("(not set)"));
        m_combo->addItems(spec.choices);
        connect(m_combo, &QComboBox::activated, this, [this](int index) {
            if (m_updating)
                return;
            const bool unsetItem = !m_spec.defaultValue.isString() && index == 0;
            Q_EMIT edited(m_spec.name, unsetItem ? QJsonValue(QJsonValue::Undefined) : QJsonValue(m_combo->itemText(index)));
        });
        break;
    case ParamSpec::Kind::Object: {
        m_text = new QPlainTextEdit(parent);
        m_text->setTabChangesFocus(true);
        m_text->setFixedHeight(m_text->fontMetrics().lineSpacing() * 4 + 12);
        m_text->setPlaceholderText(spec.required() ? tr("required JSON object") : tr("JSON object, e.g. {\"zip\": \"categorical\"}"));
        m_text->installEventFilter(this); // Ctrl+Return applies
        m_editor = m_text;
        auto *apply = new QToolButton(parent);
        apply->setText(tr("Apply"));
        apply->setToolTip(tr("Apply the JSON (Ctrl+Return)"));
        connect(apply, &QToolButton::clicked, this, &ParamField::emitText);
        extra = apply;
        break;
    }
    default: {
        m_line = new QLineEdit(parent);
        m_editor = m_line;
        QString placeholder;
        if (spec.required())
            placeholder = tr("required");
        else if (!defaultText(spec).isEmpty())
            placeholder = defaultText(spec); // grey: reads as the default, fits a narrow dock
        else
            placeholder = spec.kind == ParamSpec::Kind::StringList ? tr("comma-separated, optional") : tr("optional");
        m_line->setPlaceholderText(placeholder);
        connect(m_line, &QLineEdit::editingFinished, this, &ParamField::emitText);
        if (spec.kind == ParamSpec::Kind::Path) {
            auto *browseButton = new QToolButton(parent);
            browseButton->setText(QStringLiteral("\u2026"));
            browseButton->setToolTip(tr("Choose a file"));
            connect(browseButton, &QToolButton::clicked, this, &ParamField::browse);
            extra = browseButton;
        }
        break;
    }
    }
    m_editor->setToolTip(tip);
    if (!m_check)
        m_editor->setMinimumWidth(48); // the grid shares a narrow dock; the text scrolls
    m_editor->setObjectName(QStringLiteral("param_") + spec.name);
    m_name->setBuddy(m_editor);
    if (extra) {
        m_area = new QWidget(parent);
        auto *row = new QHBoxLayout(m_area);
        row->setContentsMargins(0, 0, 0, 0);
        row->setSpacing(4);
        row->addWidget(m_editor, 1);
        row->addWidget(extra, 0, Qt::AlignTop);
    } else {
        m_area = m_editor;
    }

    if (!range.isEmpty()) {
        m_range = new QLabel(range, parent);
        m_range->setToolTip(tr("allowed values of %1").arg(spec.name));
        m_range->setStyleSheet(QStringLiteral("color: #6b7178;"));
    }
    m_reset = new QToolButton(parent);
    m_reset->setText(QStringLiteral("\u21BA"));
    m_reset->setAutoRaise(true);
    m_reset->setToolTip(spec.required() ? tr("Clear %1").arg(spec.name)
                                        : tr("Reset %1 to its default (%2)").arg(spec.name, defaultText(spec).isEmpty() ? tr("none") : defaultText(spec)));
    connect(m_reset, &QToolButton::clicked, this, [this] { Q_EMIT edited(m_spec.name, QJsonValue(QJsonValue::Undefined)); });

    m_error = new QLabel(parent);
    m_error->setObjectName(QStringLiteral("error_") + spec.name);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #d93025;"));
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();
}

bool ParamField::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_text && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) && (key->modifiers() & Qt::ControlModifier)) {
            emitText();
            return true;
        }
    }
    return QObject::eventFilter(watched, event);
}

void ParamField::setValue(const QJsonValue &value)
{
    m_updating = true;
    m_shown = value;
    const bool set = !value.isUndefined() && !value.isNull();
    if (m_check) {
        m_check->setChecked(set ? value.toBool() : m_spec.defaultValue.toBool());
    } else if (m_combo) {
        const QString current = set ? value.toString() : m_spec.defaultValue.toString();
        const int index = m_combo->findText(current);
        m_combo->setCurrentIndex(index >= 0 ? index : 0);
    } else if (m_text) {
        m_text->setPlainText(set ? valueText(value) : QString());
    } else if (m_line) {
        m_line->setText(set ? valueText(value) : QString());
        m_line->setCursorPosition(0);
    }
    m_reset->setEnabled(!value.isUndefined());
    m_updating = false;
}

void ParamField::setError(const QString &text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
    if (m_line)
        m_line->setStyleSheet(text.isEmpty() ? QString() : QStringLiteral("QLineEdit { border: 1px solid #d93025; }"));
}

QString ParamField::error() const
{
    return m_error->text();
}

QJsonValue ParamField::valueFromText(const QString &raw) const
{
    const QString text = raw.trimmed();
    if (text.isEmpty())
        return QJsonValue(QJsonValue::Undefined);
    switch (m_spec.kind) {
    case ParamSpec::Kind::Int:
    case ParamSpec::Kind::Float: {
        bool ok = false;
        double v = QLocale::c().toDouble(text, &ok);
        if (!ok)
            v = QLocale().toDouble(text, &ok); // "0,5" where that is the local way
        if (!ok)
            return QJsonValue(text); // validateParams names it: "must be a number, got 'abc'"
        if (m_spec.kind == ParamSpec::Kind::Int && std::isfinite(v) && v == std::floor(v) && std::abs(v) < 9007199254740992.0)
            return QJsonValue(static_cast<qint64>(v));
        return QJsonValue(v);
    }
    case ParamSpec::Kind::StringList: {
        QJsonArray items;
        for (const QString &part : text.split(QLatin1Char(',')))
            if (!part.trimmed().isEmpty())
                items.append(part.trimmed());
        return items;
    }
    case ParamSpec::Kind::String:
        return QJsonValue(raw);
    default:
        return QJsonValue(text);
    }
}

void ParamField::emitText()
{
    if (m_updating)
        return;
    if (m_text) {
        const QString text = m_text->toPlainText().trimmed();
        if (text.isEmpty()) {
            Q_EMIT edited(m_spec.name, QJsonValue(QJsonValue::Undefined));
            return;
        }
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &pe);
        if (pe.error != QJsonParseError::NoError) {
            setError(tr("%1: invalid JSON at character %2: %3").arg(m_spec.name).arg(pe.offset + 1).arg(pe.errorString()));
            return;
        }
        Q_EMIT edited(m_spec.name, doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array()));
        return;
    }
    if (m_line)
        Q_EMIT edited(m_spec.name, valueFromText(m_line->text()));
}

void ParamField::browse()
{
    const QString start = m_line->text().isEmpty() ? m_baseDir : QDir(m_baseDir).absoluteFilePath(m_line->text());
    const QString chosen = QFileDialog::getOpenFileName(m_editor, tr("Choose %1").arg(m_spec.name), start);
    if (chosen.isEmpty())
        return;
    // Inside the pipeline's folder a relative path keeps the pipeline portable.
    QString value = chosen;
    if (!m_baseDir.isEmpty()) {
        const QString rel = QDir(m_baseDir).relativeFilePath(chosen);
        if (!rel.startsWith(QStringLiteral("../../")))
            value = rel;
    }
    m_line->setText(value);
    emitText();
}

} // namespace mb
