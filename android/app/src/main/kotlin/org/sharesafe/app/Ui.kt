// Why this exists: ShareSafe's screens are short vertical lists of text, switches and buttons.
// Building them in code with these few helpers keeps the app free of a UI toolkit dependency
// and of layout files (fewer resources to keep in four languages).
package org.sharesafe.app

import android.app.Activity
import android.view.View
import android.widget.Button
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView

/** A scrolling vertical column set as the activity's content; returns the column to fill. */
fun Activity.columnScreen(): LinearLayout {
    val column = LinearLayout(this)
    column.orientation = LinearLayout.VERTICAL
    val pad = (16 * resources.displayMetrics.density).toInt()
    column.setPadding(pad, pad, pad, pad)
    val scroll = ScrollView(this)
    scroll.addView(column)
    setContentView(scroll)
    return column
}

/** Adds a paragraph of text. */
fun LinearLayout.text(text: CharSequence, sizeSp: Float = 16f): TextView {
    val view = TextView(context)
    view.text = text
    view.textSize = sizeSp
    view.setPadding(0, 8, 0, 8)
    addView(view)
    return view
}

/** Adds a heading. */
fun LinearLayout.heading(text: CharSequence): TextView = text(text, 20f)

/** Adds a button. */
fun LinearLayout.button(text: CharSequence, onClick: () -> Unit): Button {
    val view = Button(context)
    view.text = text
    view.setOnClickListener(View.OnClickListener { onClick() })
    addView(view)
    return view
}
