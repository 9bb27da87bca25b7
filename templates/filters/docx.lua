-- Filters for pandoc's DOCX writer, run after common.lua: the document classes of
-- templates/MARKDOWN.md as styles defined in templates/reference.docx
-- (tools/make_reference_docx.py). Every style named here must exist there, or pandoc
-- creates a plain one.

local PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'

local function label_cell(cell)
  cell.contents = cell.contents:walk({
    Plain = function(plain)
      plain.content = { pandoc.Span(plain.content, { ["custom-style"] = "Docheader Label" }) }
      return plain
    end,
    Para = function(para)
      para.content = { pandoc.Span(para.content, { ["custom-style"] = "Docheader Label" }) }
      return para
    end,
  })
  return cell
end

-- A table style applies to the whole table, so the first column's labels get their
-- italics from a character style instead. Pandoc writes a table's custom-style as the
-- style id verbatim (paragraph and character styles are looked up by name).
local function docheader_table(tbl)
  tbl.attr.attributes["custom-style"] = "DocheaderTable"
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      if row.cells[1] then row.cells[1] = label_cell(row.cells[1]) end
    end
  end
  return tbl
end

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
      return div:walk({ Table = docheader_table })
    end
  end,
}

-- Word and LibreOffice merge two tables with nothing between them into one, and the
-- second table's header row then no longer repeats. Pandoc separates adjacent tables,
-- but not a table at the end of a Div (the docheader) from the next one.
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

return { document_classes, separate_tables }
