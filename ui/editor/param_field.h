#pragma once

#include "core/base/params.h"

#include <QJsonValue>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QToolButton;

namespace mb {

/// The editor of one parameter, chosen by its kind: a line edit for numbers (with the
/// allowed range beside it), text, paths (with a browse button), comma-separated string
/// lists; a check box for Bool; a combo box for Choice; a JSON text box for Object. The
/// default shows as placeholder or initial state and a reset button removes the value.
/// It does not judge values: it emits edited() with what the user entered, and the panel
/// validates it and calls setError() when it refuses it. Its widgets are children of
/// `parent`, for the panel to place in one grid (name | editor | range | reset, and the
/// error under the editor), so that every field lines up. GUI thread only.
class ParamField : public QObject {
    Q_OBJECT

public:
    ParamField(const ParamSpec &spec, QWidget *parent);

    const ParamSpec &spec() const { return m_spec; }
    /// Shows `value`; Undefined means the parameter is not set (its default applies).
    void setValue(const QJsonValue &value);
    /// The input widget (QLineEdit, QCheckBox, QComboBox or QPlainTextEdit).
    QWidget *editor() const { return m_editor; }
    /// The editor with its browse or apply button, for the grid's editor column.
    QWidget *editorArea() const { return m_area; }
    QLabel *nameLabel() const { return m_name; }
    /// The allowed range ("(0, 1]"); null for parameters without one.
    QLabel *rangeLabel() const { return m_range; }
    QToolButton *resetButton() const { return m_reset; }
    QLabel *errorLabel() const { return m_error; }
    /// A red message under the editor; empty hides it.
    void setError(const QString &text);
    QString error() const;
    /// Folder the browse button starts in and makes chosen paths relative to.
    void setBaseDir(const QString &dir) { m_baseDir = dir; }
    /// "(0, 1]", "[2, 100]", "≥ 0" for numbers with bounds (large bounds as "2.15e9");
    /// empty otherwise.
    static QString rangeText(const ParamSpec &spec);
    /// The default as the user would type it ("0.3", "true", "a, b"); empty when none.
    static QString defaultText(const ParamSpec &spec);

Q_SIGNALS:
    /// The user entered `value` for the parameter (Undefined: unset it, use the default).
    void edited(const QString &name, const QJsonValue &value);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QJsonValue valueFromText(const QString &text) const;
    void emitText();
    void browse();

    ParamSpec m_spec;
    QWidget *m_editor = nullptr;
    QWidget *m_area = nullptr;
    QLabel *m_name = nullptr;
    QLabel *m_range = nullptr;
    QLineEdit *m_line = nullptr;
    QCheckBox *m_check = nullptr;
    QComboBox *m_combo = nullptr;
    QPlainTextEdit *m_text = nullptr;
    QToolButton *m_reset = nullptr;
    QLabel *m_error = nullptr;
    QString m_baseDir;
    QJsonValue m_shown = QJsonValue(QJsonValue::Undefined);
    bool m_updating = false;
};

} // namespace mb
