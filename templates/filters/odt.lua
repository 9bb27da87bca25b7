-- Filters for pandoc's ODT writer, run after common.lua. The ODT keeps pandoc's own
-- styles: the document classes of templates/MARKDOWN.md get the nearest of them. A sak's
-- heading (common.lua) stays a heading (Heading 1), which LibreOffice's navigator lists.

local document_classes = {
  Div = function(div)
    if div.classes:includes("doctitle") then
      div.attributes["custom-style"] = "Title"
      return div
    end
  end,
}

return { document_classes }
