-- Filters for pandoc's DOCX writer, run after common.lua: the document classes of
-- templates/MARKDOWN.md as styles defined in templates/reference.docx
-- (tools/make_reference_docx.py). Every style named here must exist there, or pandoc
-- creates a plain one.

local PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'

local TAB = pandoc.RawInline("openxml", "<w:r><w:tab/></w:r>")

local function cell_inlines(cell)
  return pandoc.utils.blocks_to_inlines(cell.contents, { pandoc.LineBreak() })
end

-- The header block's label | value rows as paragraphs of the style "Docheader", not a
-- table: a table without a header row is an error to Word's accessibility checker, and
-- these rows have none. The label in the character style "Docheader Label" (italic), a
-- tab, the value; the style's hanging indent starts every line of the value at the tab.
local function docheader_paragraphs(tbl)
  local paragraphs = pandoc.Blocks({})
  local rows = pandoc.List()
  for _, body in ipairs(tbl.bodies) do
    rows:extend(body.head)
    rows:extend(body.body)
  end
  for _, row in ipairs(rows) do
    local inlines = pandoc.Inlines({})
    for i, cell in ipairs(row.cells) do
      if i == 1 then
        inlines:insert(pandoc.Span(cell_inlines(cell), { ["custom-style"] = "Docheader Label" }))
      else
        inlines:insert(TAB)
        inlines:extend(cell_inlines(cell))
      end
    end
    paragraphs:insert(pandoc.Div({ pandoc.Para(inlines) }, { ["custom-style"] = "Docheader" }))
  end
  return paragraphs
end

-- A sak's heading (common.lua) as a paragraph of the style "Sak Heading": based on
-- Heading 1, so Word's navigation pane and accessibility checker see a heading, and
-- looking like the table's bold text it replaces.
local sak_headings = {
  Header = function(header)
    if header.classes:includes("sak") then
      return pandoc.Div({ pandoc.Para(header.content) }, { ["custom-style"] = "Sak Heading" })
    end
  end,
}

local document_classes = {
  Div = function(div)
    if div.classes:includes("pagebreak") then
      return pandoc.RawBlock("openxml", PAGE_BREAK)
    end
    if div.classes:includes("doctitle") then
      div.attributes["custom-style"] = "Title"
      return div
    end
    if div.classes:includes("innslag") then
      div.attributes["custom-style"] = "Innslag"
      return div
    end
    if div.classes:includes("docheader") then
      return div:walk({ Table = docheader_paragraphs })
    end
  end,
}

-- Word and LibreOffice merge two tables with nothing between them into one, and the
-- second table's header row then no longer repeats. Pandoc separates adjacent tables,
-- but not a table at the end of a Div from the next one.
local function edge_is_table(block, last)
  while block and block.t == "Div" do
    block = block.content[last and #block.content or 1]
  end
  return block ~= nil and block.t == "Table"
end

local separate_tables = {
  Blocks = function(blocks)
    for i = #blocks - 1, 1, -1 do
      local this, next = blocks[i], blocks[i + 1]
      local both_plain = this.t == "Table" and next.t == "Table"
      if not both_plain and edge_is_table(this, true) and edge_is_table(next, false) then
        blocks:insert(i + 1, pandoc.RawBlock("openxml", "<w:p/>"))
      end
    end
    return blocks
  end,
}

-- A cell common.lua marked nufa-keep: its row gets Word's "cantSplit" (do not break the row
-- across pages). The writer has no row properties, so the cell's first paragraph carries
-- a placeholder run that nufa_cli/convert/converter.py turns into the row's property.
local KEEP_ROW = pandoc.RawInline("openxml", "<w:r><w:t>NUFA-KEEP-ROW</w:t></w:r>")

local function mark_first_paragraph(blocks)
  local marked = false
  return blocks:walk({
    traverse = "topdown",
    Para = function(para)
      if not marked then
        marked = true
        para.content:insert(1, KEEP_ROW)
        return para, false
      end
    end,
    Plain = function(plain)
      if not marked then
        marked = true
        plain.content:insert(1, KEEP_ROW)
        return plain, false
      end
    end,
  })
end

local kept_rows = {
  Table = function(tbl)
    for _, body in ipairs(tbl.bodies) do
      for _, row in ipairs(body.body) do
        for _, cell in ipairs(row.cells) do
          if cell.attributes["nufa-keep"] then
            cell.attributes["nufa-keep"] = nil
            cell.contents = mark_first_paragraph(cell.contents)
          end
        end
      end
    end
    return tbl
  end,
}

return { sak_headings, document_classes, separate_tables, kept_rows }
