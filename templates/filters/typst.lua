-- Filters for the typst writer of pandoc 3.9, run after common.lua. They work around the
-- writer's bugs (each has a test in tests/test_convert.py that fails without it) and give
-- the document classes of templates/MARKDOWN.md their typst form; the nufa-* functions
-- live in templates/nufa.typ. Raw typst is written only here, from values escaped here:
-- never from user text. (@word as citation: see READER in nufa_cli/convert/converter.py.)

local function typst_string(text)
  text = text:gsub("%s+", " ")
  return '"' .. text:gsub("\\", "\\\\"):gsub('"', '\\"') .. '"'
end

-- A width attribute ({width=50%}) in a unit typst shares with pandoc, else none.
local function typst_width(image)
  local width = image.attributes.width
  if width and (width:match("^%d+%.?%d*%%$") or width:match("^%d+%.?%d*[cm]m$")
      or width:match("^%d+%.?%d*in$") or width:match("^%d+%.?%d*pt$")) then
    return width
  end
  return nil
end

-- The writer drops alt text, and PDF/UA-1 refuses images without it. Write
-- the image call ourselves. An image without alt text gets none, so typst refuses it.
-- The worker has already replaced src by a path checked to lie inside the root.
local function image_call(image)
  local args = { typst_string(image.src) }
  local alt = pandoc.utils.stringify(image.caption)
  if alt ~= "" then table.insert(args, "alt: " .. typst_string(alt)) end
  local width = typst_width(image)
  if width then table.insert(args, "width: " .. width) end
  return "image(" .. table.concat(args, ", ") .. ")"
end

-- Spans carry nothing typst uses, and the writer prints their content inline; removing
-- them lets the period fix below see what really precedes a Str.
local flatten_spans = {
  Span = function(span) return span.content end,
}

local figure_images = {
  Figure = function(figure)
    return figure:walk({
      Image = function(image) return pandoc.RawInline("typst", "#" .. image_call(image) .. ";") end,
    })
  end,
}

local inline_images = {
  Image = function(image)
    return pandoc.RawInline("typst", "#box(" .. image_call(image) .. ");")
  end,
}

-- After #strong[x], #emph[x], #link(..)[x], #footnote[x] ... a following
-- ".pdf" is read as a method call. Escape a period that starts a Str after any markup.
local PLAIN_BEFORE = { Str = true, Space = true, SoftBreak = true, LineBreak = true }

-- At the start of a line or of a [content] block typst reads "24. ", "- ", "+ ", "= ",
-- "/ " as enum, list, heading or term markers. The writer escapes them at the start of
-- a paragraph, but not at the start of a table cell, a link text, a footnote or the
-- metadata, nor after a hard line break ("Dato | 24. – 25. april" became a numbered
-- list). Escape such a word wherever a line could start.
local BREAK_BEFORE = { Space = true, SoftBreak = true, LineBreak = true }

local function opens_content(el)
  return el.t == "RawInline" and el.text:match("%[$") ~= nil
end

local function is_block_marker(text)
  return text:match("^%d+%.$") or text:match("^[-+/]$") or text:match("^=+$")
end

local function escape_first_char(inlines, i, text)
  local rest = text:sub(2)
  inlines[i] = pandoc.RawInline("typst", "\\" .. text:sub(1, 1))
  if rest ~= "" then inlines:insert(i + 1, pandoc.Str(rest)) end
end

local escape_markers = {
  Inlines = function(inlines)
    for i = #inlines, 1, -1 do
      local el = inlines[i]
      if el.t == "Str" then
        local before = inlines[i - 1]
        if el.text:sub(1, 1) == "." and before and not PLAIN_BEFORE[before.t] then
          escape_first_char(inlines, i, el.text)
        elseif (before == nil or BREAK_BEFORE[before.t] or opens_content(before))
            and is_block_marker(el.text) then
          escape_first_char(inlines, i, el.text)
        end
      end
    end
    return inlines
  end,
}

-- A range's dash stands between no-break spaces (common.lua), but a line may still break
-- after a dash ("24. –" / "25. januar"): the words of the range go into one box, which
-- typst keeps on one line. Before escape_markers, which then escapes the box's first word.
local function is_nbsp(el)
  return el and el.t == "Str" and el.text == "\u{a0}"
end

local range_boxes = {
  Inlines = function(inlines)
    for i = #inlines - 4, 1, -1 do
      local first, dash, last = inlines[i], inlines[i + 2], inlines[i + 4]
      if first.t == "Str" and is_nbsp(inlines[i + 1]) and dash.t == "Str" and dash.text == "–"
          and is_nbsp(inlines[i + 3]) and last.t == "Str" then
        inlines:insert(i + 5, pandoc.RawInline("typst", "];"))
        inlines:insert(i, pandoc.RawInline("typst", "#box["))
      end
    end
    return inlines
  end,
}

-- A cell common.lua marked nufa-keep makes its row unbreakable: table.cell(breakable: false).
local kept_rows = {
  Table = function(tbl)
    for _, body in ipairs(tbl.bodies) do
      for _, row in ipairs(body.body) do
        for _, cell in ipairs(row.cells) do
          if cell.attributes["nufa-keep"] then
            cell.attributes["nufa-keep"] = nil
            cell.attributes["typst:breakable"] = "false"
          end
        end
      end
    end
    return tbl
  end,
}

-- The template styles the first header-rows rows as the header (see nufa-table); the
-- writer puts the Div into #block[...], which keeps the show rule to this table.
local tables = {
  Table = function(tbl)
    local rule = string.format("#show: nufa-table.with(header-rows: %d)", #tbl.head.rows)
    return pandoc.Div({ pandoc.RawBlock("typst", rule), tbl })
  end,
}

-- The header block's label | value rows as a grid (nufa-docheader-grid in nufa.typ), not
-- a table: they have no header cells, and a table without them is a data table whose
-- columns nothing explains (PDF/UA-1 7.5). Each cell's blocks go into a [...] argument.
local function docheader_grid(tbl)
  local widths = {}
  for _, spec in ipairs(tbl.colspecs) do
    local width = type(spec[2]) == "number" and spec[2] or 1 / #tbl.colspecs
    table.insert(widths, string.format("%.2f%%", width * 100))
  end
  local rows = pandoc.List()
  rows:extend(tbl.head.rows)
  for _, body in ipairs(tbl.bodies) do
    rows:extend(body.head)
    rows:extend(body.body)
  end
  rows:extend(tbl.foot.rows)
  local columns = "(" .. table.concat(widths, ", ") .. ",)"
  local blocks = pandoc.Blocks({ pandoc.RawBlock("typst", "#nufa-docheader-grid(columns: " .. columns .. ",") })
  for _, row in ipairs(rows) do
    for _, cell in ipairs(row.cells) do
      local open = "["
      if cell.col_span > 1 or cell.row_span > 1 then
        open = string.format("grid.cell(colspan: %d, rowspan: %d)[", cell.col_span, cell.row_span)
      end
      blocks:insert(pandoc.RawBlock("typst", open))
      blocks:extend(cell.contents)
      blocks:insert(pandoc.RawBlock("typst", "],"))
    end
  end
  blocks:insert(pandoc.RawBlock("typst", ")"))
  return blocks
end

local docheader = {
  Div = function(div)
    if div.classes:includes("docheader") then
      return div:walk({ Table = docheader_grid })
    end
  end,
}

-- A sak's heading (common.lua) as nufa-sak (nufa.typ): a bookmarked heading shown as the
-- bold line it was. In a table row the bookmark starts with the row's first cell, the sak
-- number: "12/24 Digitalisering". Two filters: a Table is walked before a lone Header.
local function is_sak(block)
  return block.t == "Header" and block.classes:includes("sak")
end

local function sak_call(header, number)
  local bookmark = pandoc.utils.stringify(header.content)
  if number ~= "" then bookmark = number .. " " .. bookmark end
  local call = string.format("#nufa-sak(%d, %s)[", header.level, typst_string(bookmark))
  local inlines = pandoc.Inlines({ pandoc.RawInline("typst", call) })
  inlines:extend(header.content)
  inlines:insert(pandoc.RawInline("typst", "];"))
  return pandoc.Plain(inlines)
end

local function sak_rows(rows)
  for _, row in ipairs(rows) do
    local number = row.cells[1] and pandoc.utils.stringify(row.cells[1].contents) or ""
    for _, cell in ipairs(row.cells) do
      cell.contents = cell.contents:walk({
        Header = function(header)
          if is_sak(header) then return sak_call(header, number) end
        end,
      })
    end
  end
end

local sak_in_tables = {
  Table = function(tbl)
    sak_rows(tbl.head.rows)
    for _, body in ipairs(tbl.bodies) do
      sak_rows(body.head)
      sak_rows(body.body)
    end
    sak_rows(tbl.foot.rows)
    return tbl
  end,
}

local sak_alone = {
  Header = function(header)
    if is_sak(header) then return sak_call(header, "") end
  end,
}

local document_classes = {
  Div = function(div)
    if div.classes:includes("pagebreak") then
      return pandoc.RawBlock("typst", "#pagebreak(weak: true)")
    end
    if div.classes:includes("doctitle") then
      -- typst's title element: the big title, outside the heading outline (UA-1 counts
      -- heading levels from the first heading).
      local inlines = pandoc.Inlines({ pandoc.RawInline("typst", "#title[") })
      inlines:extend(pandoc.utils.blocks_to_inlines(div.content, { pandoc.LineBreak() }))
      inlines:insert(pandoc.RawInline("typst", "];"))
      return pandoc.Plain(inlines)
    end
    -- The writer puts a Div into #block[...]; a show rule at its start styles the rest.
    if div.classes:includes("innslag") then
      div.content:insert(1, pandoc.RawBlock("typst", "#show: nufa-innslag"))
      return div
    end
  end,
}

return {
  flatten_spans, figure_images, inline_images, range_boxes, escape_markers, docheader, sak_in_tables,
  sak_alone, kept_rows, tables, document_classes,
}
